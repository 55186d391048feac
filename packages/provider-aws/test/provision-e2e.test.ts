import { createArtifactRegistry } from '@artifact-registry/core'
import { requireTool, type SkopeoWorkspace, skopeoWorkspace } from '@artifact-registry/test-kit'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam'
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import { access, baseSessionOptions, REGION, REPLICA } from './helpers.js'
import { BASE_USER, deprovisionOptions, iamOf, provisionOptions } from './provision-helpers.js'

// From nothing to a working registry and back: provision, then the runtime — a role of its own
// holding exactly result.runtimePolicy — loads result.binding, creates a repository, pushes and
// pulls through the fake's registry, lists, grants and deletes; deprovision then leaves nothing of ours behind.

const TIMEOUT = 120_000
const missingSkopeo = requireTool('skopeo')
if (missingSkopeo !== undefined) throw new Error(missingSkopeo)

let workspace: SkopeoWorkspace
beforeAll(async () => {
  workspace = await skopeoWorkspace('provider-aws-provision-')
})
afterAll(() => workspace?.[Symbol.asyncDispose]())
afterEach(() => vi.unstubAllEnvs())

const RUNTIME_ROLE = 'app-runtime'
const RUNTIME_POLICY = 'runtime'

it(
  'provision → createArtifactRegistry(binding) → push and pull → deprovision({ force }) → nothing left',
  async () => {
    await using fake = await startAwsFake()
    const iam = iamOf(fake)
    // The runtime's identity exists before provisioning, which must be told whom to trust.
    const { Role: runtime } = await iam.send(
      new CreateRoleCommand({
        RoleName: RUNTIME_ROLE,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: BASE_USER }, Action: 'sts:AssumeRole' }],
        }),
      }),
    )
    const runtimeArn = runtime?.Arn ?? ''
    const options = provisionOptions(fake, {
      trustedPrincipals: [runtimeArn],
      replicationRegions: [REPLICA],
    })
    const result = await provision(options)
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: RUNTIME_ROLE,
        PolicyName: RUNTIME_POLICY,
        PolicyDocument: JSON.stringify(result.runtimePolicy),
      }),
    )

    // The runtime: a session of its role, found by the SDK in the environment, as in production.
    const session = await baseSessionOptions(fake, runtimeArn, 3600)
    const credentials = session.clientConfig?.credentials as unknown as Record<string, string>
    vi.stubEnv('AWS_ACCESS_KEY_ID', credentials.accessKeyId)
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey)
    vi.stubEnv('AWS_SESSION_TOKEN', credentials.sessionToken)
    vi.stubEnv('AWS_ENDPOINT_URL_ECR', fake.url)
    vi.stubEnv('AWS_ENDPOINT_URL_STS', fake.url)
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true')
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1')
    await using registry = await createArtifactRegistry(result.binding)
    const { name } = await registry.createRepository('app')
    expect(fake.getRepository(REPLICA, name)).toBeDefined()
    // Listing is authorized on every repository of the region: runtimePolicy grants it apart.
    fake.seedRepository(REGION, 'other-app')
    const listed = await registry.listRepositories?.()
    expect(listed?.map((r) => r.name)).toEqual([name])
    const pusher = await registry.generateCredentials(name, 'push-pull')
    const target = `docker://${pusher.registry}/${name}:v1`
    await workspace.skopeo.run(
      'copy',
      '--dest-tls-verify=false',
      ...(await workspace.login(pusher)),
      workspace.image.reference,
      target,
    )
    const puller = await registry.generateCredentials(name, 'pull')
    await workspace.skopeo.run(
      'copy',
      '--src-tls-verify=false',
      ...(await workspace.login(puller)),
      target,
      `oci:${workspace.dir}/pulled:v1`,
    )
    const refused = await workspace.skopeo.fails(
      'copy',
      '--dest-tls-verify=false',
      ...(await workspace.login(puller)),
      workspace.image.reference,
      `docker://${puller.registry}/${name}:v2`,
    )
    expect(refused.stderr).toMatch(/denied|403|unauthorized/i)
    // The rest of the runtime's own calls: grants (the repository policy) and deleting.
    const grant = access({ accountIds: ['111111111111'] })
    await registry.addCrossAccountAccess(name, grant)
    await registry.removeCrossAccountAccess(name, grant)
    expect(fake.getPolicy(REGION, name)).toBeUndefined()
    const { name: scratch } = await registry.createRepository('scratch')
    await registry.deleteRepository(scratch)
    vi.unstubAllEnvs()

    await expect(deprovision(deprovisionOptions(fake))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`repository ${name} (${REGION})`),
    })
    const gone = await deprovision(deprovisionOptions(fake, { force: true }))
    expect(gone.changes.map((c) => `${c.action} ${c.kind}`)).toEqual([
      'delete ecr-repository',
      'delete ecr-repository',
      'delete ecr-replication-rule',
      'delete iam-role-policy',
      'delete iam-role',
      'delete iam-role-policy',
      'delete iam-role',
    ])
    await iam.send(
      new DeleteRolePolicyCommand({ RoleName: RUNTIME_ROLE, PolicyName: RUNTIME_POLICY }),
    )
    await iam.send(new DeleteRoleCommand({ RoleName: RUNTIME_ROLE }))
    iam.destroy()
    expect(fake.getRoleNames()).toEqual([])
    expect(fake.getRepositoryNames(REGION)).toEqual(['other-app'])
    expect(fake.getRepositoryNames(REPLICA)).toEqual([])
    expect(fake.getReplicationRules(REGION)).toEqual([])
  },
  TIMEOUT,
)
