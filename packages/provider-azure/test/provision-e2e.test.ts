import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  type AzureBinding,
  createArtifactRegistry,
  registerProvider,
} from '@artifact-registry/core'
import { requireTool, type SkopeoWorkspace, skopeoWorkspace } from '@artifact-registry/test-kit'
import { type AzureFake, TEST_TLS_CERT } from '@artifact-registry/testing/fakes/azure'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { bindingOptions } from '../src/from-binding.js'
import { type AzureCredentialsMode, azure } from '../src/index.js'
import { deprovision, provision } from '../src/provision/index.js'
import {
  deprovisionOptions,
  provisionOptions,
  REGISTRY_NAME,
  runtimeAssignments,
  runtimeCredential,
  startProvisionFake,
  summary,
} from './provision-helpers.js'

// From nothing to a working registry and back: provision, then the runtime — an identity that
// holds nothing but what provisioning assigned it — loads result.binding, creates a repository,
// pushes and pulls with skopeo through the new registry's own login server, deletes; deprovision
// then leaves nothing of ours behind.

const TIMEOUT = 120_000
const missingSkopeo = requireTool('skopeo')
if (missingSkopeo !== undefined) throw new Error(missingSkopeo)

let workspace: SkopeoWorkspace
/** A directory holding the fake's certificate as skopeo's only CA (`ca.crt`). */
let certDir: string
beforeAll(async () => {
  workspace = await skopeoWorkspace('provider-azure-provision-')
  certDir = join(workspace.dir, 'certs')
  await mkdir(certDir)
  await writeFile(join(certDir, 'ca.crt'), TEST_TLS_CERT)
})
afterAll(() => workspace?.[Symbol.asyncDispose]())

/**
 * `createArtifactRegistry` for `azure` bindings builds the provider from the binding as
 * `fromBinding` does, but signs in as the runtime identity at the fake (a JSON binding carries no
 * credential, and DefaultAzureCredential cannot reach the fake): ARM and the fake's certificate
 * are the only things added.
 */
function loadBindingsAtTheFake(fake: AzureFake): void {
  registerProvider('azure', async () => ({
    fromBinding: (binding: AzureBinding) =>
      azure({
        ...bindingOptions(binding),
        credential: runtimeCredential(fake),
        clientOptions: { endpoint: fake.url },
        trustedCa: fake.ca,
        pollIntervalMs: 1,
      }),
  }))
}

it.each<AzureCredentialsMode>(['aad-exchange', 'repository-token'])(
  '%s: provision → createArtifactRegistry(binding) → push and pull → deprovision({ force }) → nothing left',
  async (credentials) => {
    await using fake = await startProvisionFake()
    const result = await provision(
      provisionOptions(fake, { repositoryPrefix: 'team-a', credentials }),
    )
    loadBindingsAtTheFake(fake)
    await using registry = await createArtifactRegistry(result.binding)
    const { name } = await registry.createRepository('app')
    const pusher = await registry.generateCredentials(name, 'push-pull')
    expect(pusher.registry).toBe(result.binding.loginServer)
    const tls = ['--dest-cert-dir', certDir]
    await workspace.skopeo.run(
      'copy',
      ...tls,
      ...(await workspace.login(pusher)),
      workspace.image.reference,
      `docker://${pusher.registry}/${name}:v1`,
    )
    const puller = await registry.generateCredentials(name, 'pull')
    await workspace.skopeo.run(
      'copy',
      '--src-cert-dir',
      certDir,
      ...(await workspace.login(puller)),
      `docker://${puller.registry}/${name}:v1`,
      `oci:${workspace.dir}/pulled:v1`,
    )
    const refused = await workspace.skopeo.fails(
      'copy',
      ...tls,
      ...(await workspace.login(puller)),
      workspace.image.reference,
      `docker://${puller.registry}/${name}:v2`,
    )
    expect(refused.stderr).toMatch(/denied|403|unauthorized/i)
    const { name: scratch } = await registry.createRepository('scratch')
    await registry.deleteRepository(scratch)

    const binding = { repositoryPrefix: 'team-a' }
    await expect(deprovision(deprovisionOptions(fake, binding))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(name),
    })
    const gone = await deprovision(deprovisionOptions(fake, { ...binding, force: true }))
    const assignments = credentials === 'aad-exchange' ? 3 : 2
    expect(summary(gone.changes)).toEqual([
      ...Array(assignments).fill('delete role-assignment'),
      'delete role-definition',
      'delete container-registry',
    ])
    expect(fake.getTokens()).toEqual([])
    expect([...fake.state.registries.values()].map((r) => r.name)).not.toContain(REGISTRY_NAME)
    expect(runtimeAssignments(fake)).toEqual([])
    expect(fake.state.roleDefinitions.size).toBe(0)
    expect(fake.getScopeMaps()).toEqual([])
    expect(() => fake.providerOptions(REGISTRY_NAME)).toThrow(/no registry named/)
  },
  TIMEOUT,
)
