import { type AwsFake, startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { assumeRole, ecrCall, type Signer } from './aws-wire.js'
import { configOnlyManifest, IMAGE_MANIFEST, sha256 } from './oci-image.js'

// The AWS fake's registry (ECR's data plane), spoken to with plain HTTP as a registry client
// does: Basic `AWS:<password>` from GetAuthorizationToken, each request checked against the
// token, the STS session behind it and that session's policy, per repository and ECR action.

const ROLE = 'arn:aws:iam::123456789012:role/data'
const fake = await startAwsFake()
afterAll(() => fake.close())

const PULL = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability']
const PUSH = [
  ...PULL,
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:PutImage',
]

/** A session policy allowing `actions` on one repository, and the token. */
function policyFor(repository: string, actions: string[]): string {
  const arn = fake.getRepository('us-east-1', repository)?.repositoryArn
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: actions, Resource: arn },
      { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    ],
  })
}

/** A login for the registry: Basic `AWS:<password>` from GetAuthorizationToken. */
interface Login {
  authorization: string
  registryUrl: string
  expiresAt: number
}

async function login(on: AwsFake, signer: Signer = {}): Promise<Login> {
  const { json } = await ecrCall(on, 'GetAuthorizationToken', {}, signer)
  const [data] = json.authorizationData as {
    authorizationToken: string
    proxyEndpoint: string
    expiresAt: number
  }[]
  if (data === undefined) throw new Error(`no token: ${JSON.stringify(json)}`)
  return {
    authorization: `Basic ${data.authorizationToken}`,
    registryUrl: data.proxyEndpoint,
    expiresAt: data.expiresAt * 1000,
  }
}

/** A login of a session of ROLE limited to `actions` on `repository`. */
async function sessionLogin(repository: string, actions: string[]): Promise<Login> {
  const session = await assumeRole(fake, {
    RoleArn: ROLE,
    DurationSeconds: 900,
    Policy: policyFor(repository, actions),
  })
  return login(fake, { accessKeyId: session.accessKeyId ?? '' })
}

/** Seed a repository of us-east-1 whose policy holds `statements`. */
function withPolicy(name: string, statements: readonly Record<string, unknown>[]): void {
  fake.seedRepository('us-east-1', name)
  fake.seedPolicy(
    'us-east-1',
    name,
    JSON.stringify({ Version: '2012-10-17', Statement: statements }),
  )
}

async function request(
  who: Login | undefined,
  method: string,
  path: string,
  body?: { bytes: Buffer; type: string },
): Promise<number> {
  const url = `${who?.registryUrl ?? `http://${fake.dataPlane.registry}`}${path}`
  const headers: Record<string, string> = who ? { authorization: who.authorization } : {}
  if (body) headers['content-type'] = body.type
  const res = await fetch(url, { method, headers, ...(body ? { body: body.bytes } : {}) })
  await res.body?.cancel()
  return res.status
}

/** The status and first OCI error code of a request's answer, e.g. `404 NAME_UNKNOWN`. */
async function answer(who: Login, method: string, path: string): Promise<string> {
  const res = await fetch(`${who.registryUrl}${path}`, {
    method,
    headers: { authorization: who.authorization },
  })
  const body = (await res.json().catch(() => ({}))) as { errors?: { code?: string }[] }
  return `${res.status} ${body.errors?.[0]?.code ?? ''}`
}

/** Push a one-config image (monolithic blob upload, then the manifest); the status of each. */
async function push(who: Login, repository: string, tag: string): Promise<number[]> {
  const config = Buffer.from(`{"tag":"${tag}"}`)
  const blob = await request(
    who,
    'POST',
    `/v2/${repository}/blobs/uploads/?digest=${sha256(config)}`,
    { bytes: config, type: 'application/octet-stream' },
  )
  const manifest = configOnlyManifest(config)
  const put = await request(who, 'PUT', `/v2/${repository}/manifests/${tag}`, {
    bytes: manifest,
    type: IMAGE_MANIFEST,
  })
  return [blob, put]
}

describe('AWS fake: the data plane', () => {
  it("authorization tokens of every region point at the fake's registry, over plain HTTP", async () => {
    const home = await login(fake)
    expect(home.registryUrl).toBe(`http://${fake.dataPlane.registry}`)
    expect(fake.dataPlane).toEqual({
      registry: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      tls: false,
    })
    expect(fake.providerOptions().registryEndpoint).toBe(home.registryUrl)
    const other = await login(fake, { region: 'eu-west-1' })
    expect(other.registryUrl).toBe(home.registryUrl)
    // A token reaches the repositories of its own region only: eu-west-1 has no such repository.
    fake.seedRepository('us-east-1', 'regional')
    await push(home, 'regional', 'v1')
    expect(await request(home, 'GET', '/v2/regional/manifests/v1')).toBe(200)
    expect(await answer(other, 'GET', '/v2/regional/manifests/v1')).toBe('404 NAME_UNKNOWN')
  })

  it('needs Basic AWS:<password> of a token it issued, and says so with a Basic challenge', async () => {
    const url = `http://${fake.dataPlane.registry}/v2/`
    const res = await fetch(url)
    await res.body?.cancel()
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/)
    const forged = Buffer.from('AWS:not-a-token').toString('base64')
    expect(
      await request({ ...(await login(fake)), authorization: `Basic ${forged}` }, 'GET', '/v2/'),
    ).toBe(401)
    expect(await request(await login(fake), 'GET', '/v2/')).toBe(200)
  })

  it("the base identity's token pushes, pulls and deletes in any repository that exists", async () => {
    fake.seedRepository('us-east-1', 'base/app')
    const base = await login(fake)
    expect(await push(base, 'base/app', 'v1')).toEqual([201, 201])
    expect(await request(base, 'GET', '/v2/base/app/manifests/v1')).toBe(200)
    expect(await request(base, 'GET', '/v2/base/app/tags/list')).toBe(200)
    expect(await request(base, 'DELETE', '/v2/base/app/manifests/v1')).toBe(202)
  })

  it('a push to a repository that does not exist is refused with NAME_UNKNOWN, as ECR does', async () => {
    const pusher = await login(fake)
    const [blob] = await push(pusher, 'never-created', 'v1')
    expect(blob).toBe(404)
    expect(await answer(pusher, 'POST', '/v2/never-created/blobs/uploads/')).toBe(
      '404 NAME_UNKNOWN',
    )
  })

  it('checks the ECR action of each request against the session policy, on that repository', async () => {
    fake.seedRepository('us-east-1', 'scoped/a')
    fake.seedRepository('us-east-1', 'scoped/b')
    await push(await login(fake), 'scoped/a', 'v1')
    await push(await login(fake), 'scoped/b', 'v1')

    const puller = await sessionLogin('scoped/a', PULL)
    expect(await request(puller, 'GET', '/v2/scoped/a/manifests/v1')).toBe(200)
    expect(await request(puller, 'GET', '/v2/scoped/a/tags/list')).toBe(403) // no ecr:ListImages
    expect(await request(puller, 'POST', '/v2/scoped/a/blobs/uploads/')).toBe(403)
    expect(await request(puller, 'GET', '/v2/scoped/b/manifests/v1')).toBe(403)

    const lister = await sessionLogin('scoped/a', [...PULL, 'ecr:ListImages'])
    expect(await request(lister, 'GET', '/v2/scoped/a/tags/list')).toBe(200)

    const pusher = await sessionLogin('scoped/a', PUSH)
    expect(await push(pusher, 'scoped/a', 'v2')).toEqual([201, 201])
    expect(await push(pusher, 'scoped/b', 'v2')).toEqual([403, 403])
    const digest = await fetch(`${pusher.registryUrl}/v2/scoped/a/manifests/v2`, {
      method: 'HEAD',
      headers: { authorization: pusher.authorization },
    }).then((r) => r.headers.get('docker-content-digest'))
    expect(await request(pusher, 'DELETE', `/v2/scoped/a/manifests/${digest}`)).toBe(403)
    const deleter = await sessionLogin('scoped/a', [...PUSH, 'ecr:BatchDeleteImage'])
    expect(await request(deleter, 'DELETE', `/v2/scoped/a/manifests/${digest}`)).toBe(202)
  })

  it('lets a request that is several ECR actions through only when every one is allowed', async () => {
    // A monolithic upload (POST with the digest) is InitiateLayerUpload, UploadLayerPart and
    // CompleteLayerUpload at once: a session allowed to start uploads only must not finish one.
    fake.seedRepository('us-east-1', 'scoped/partial')
    const starter = await sessionLogin('scoped/partial', [...PULL, 'ecr:InitiateLayerUpload'])
    expect(await request(starter, 'POST', '/v2/scoped/partial/blobs/uploads/')).toBe(202)
    const config = Buffer.from('{"partial":true}')
    const monolithic = `/v2/scoped/partial/blobs/uploads/?digest=${sha256(config)}`
    expect(
      await request(starter, 'POST', monolithic, {
        bytes: config,
        type: 'application/octet-stream',
      }),
    ).toBe(403)
  })

  it("a repository policy's Deny of one action of a request refuses the whole request", async () => {
    // A monolithic upload is three ECR actions: a Deny of the last one refuses it, though the
    // base identity's own policies allow every action.
    withPolicy('denied/complete', [
      { Effect: 'Deny', Principal: '*', Action: 'ecr:CompleteLayerUpload' },
    ])
    const base = await login(fake)
    expect(await request(base, 'POST', '/v2/denied/complete/blobs/uploads/')).toBe(202)
    const config = Buffer.from('{"denied":true}')
    const monolithic = `/v2/denied/complete/blobs/uploads/?digest=${sha256(config)}`
    expect(
      await request(base, 'POST', monolithic, { bytes: config, type: 'application/octet-stream' }),
    ).toBe(403)
  })

  it("a repository policy's Deny naming a session's role refuses the session", async () => {
    // To a resource policy a role session is its own ARN and its role's: a Deny of the role
    // reaches every session of it, whatever the session's policies allow.
    withPolicy('denied/role', [{ Effect: 'Deny', Principal: { AWS: ROLE }, Action: 'ecr:*' }])
    const session = await sessionLogin('denied/role', PUSH)
    expect(await request(session, 'GET', '/v2/denied/role/manifests/latest')).toBe(403)
    // The base identity is not the role: it is let in (no such tag).
    expect(await request(await login(fake), 'GET', '/v2/denied/role/manifests/latest')).toBe(404)
  })

  it('refuses a token once it expires, and once the session behind it ends', async () => {
    await using clocked = await startAwsFake({ tokenLifetimeSeconds: 1200 })
    clocked.seedRepository('us-east-1', 'timed')
    const base = await login(clocked)
    expect(await request(base, 'GET', '/v2/')).toBe(200)
    clocked.advanceClock(1200)
    expect(await request(base, 'GET', '/v2/')).toBe(401)

    // A 12-hour token of a 15-minute session stops with the session.
    await using sessionFake = await startAwsFake()
    const session = await assumeRole(sessionFake, { RoleArn: ROLE, DurationSeconds: 900 })
    const token = await login(sessionFake, { accessKeyId: session.accessKeyId ?? '' })
    expect(token.expiresAt - sessionFake.now()).toBeGreaterThan(11 * 3600_000)
    sessionFake.advanceClock(899)
    expect(await request(token, 'GET', '/v2/')).toBe(200)
    sessionFake.advanceClock(1)
    expect(await request(token, 'GET', '/v2/')).toBe(401)
  })
  it('refuses a token from the very millisecond it expires, as ECR does', async () => {
    // Only Date is frozen, so the token ends at an exact instant the test can reach; the
    // servers' timers keep running.
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      await using frozen = await startAwsFake({ tokenLifetimeSeconds: 1200 })
      const base = await login(frozen)
      vi.setSystemTime(base.expiresAt - 1)
      expect(await request(base, 'GET', '/v2/')).toBe(200)
      vi.setSystemTime(base.expiresAt)
      expect(await request(base, 'GET', '/v2/')).toBe(401)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('AWS fake: DeleteRepository and the images', () => {
  it('without force, a repository holding images is RepositoryNotEmptyException', async () => {
    fake.seedRepository('us-east-1', 'full')
    await push(await login(fake), 'full', 'v1')
    const refused = await ecrCall(fake, 'DeleteRepository', { repositoryName: 'full' })
    expect(refused.json.__type).toBe('RepositoryNotEmptyException')
    expect(fake.getRepository('us-east-1', 'full')).toBeDefined()
    fake.seedRepository('us-east-1', 'empty')
    expect((await ecrCall(fake, 'DeleteRepository', { repositoryName: 'empty' })).status).toBe(200)
  })

  it('with force, the images go with the repository: a new one of that name is empty', async () => {
    fake.seedRepository('us-east-1', 'forced')
    await push(await login(fake), 'forced', 'v1')
    const deleted = await ecrCall(fake, 'DeleteRepository', {
      repositoryName: 'forced',
      force: true,
    })
    expect(deleted.status).toBe(200)
    expect(await answer(await login(fake), 'GET', '/v2/forced/manifests/v1')).toBe(
      '404 NAME_UNKNOWN',
    )
    fake.seedRepository('us-east-1', 'forced')
    expect(await answer(await login(fake), 'GET', '/v2/forced/manifests/v1')).toBe(
      '404 MANIFEST_UNKNOWN',
    )
    expect((await ecrCall(fake, 'DeleteRepository', { repositoryName: 'forced' })).status).toBe(200)
  })

  it("a push replicates the repository by its region's matching rules, without its policy; a create does not", async () => {
    const rule = (filter: string) => ({
      destinations: [{ region: 'ap-south-1', registryId: fake.accountId }],
      repositoryFilters: [{ filter, filterType: 'PREFIX_MATCH' }],
    })
    fake.seedReplicationRules('us-east-1', [rule('rep-')])
    for (const name of ['rep-a', 'other-a']) {
      expect((await ecrCall(fake, 'CreateRepository', { repositoryName: name })).status).toBe(200)
    }
    fake.seedPolicy(
      'us-east-1',
      'rep-a',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'ecr:BatchGetImage' },
        ],
      }),
    )
    expect(fake.getRepositoryNames('ap-south-1')).toEqual([])
    const who = await login(fake)
    expect(await push(who, 'rep-a', 'v1')).toEqual([201, 201])
    expect(await push(who, 'other-a', 'v1')).toEqual([201, 201])
    expect(fake.getRepositoryNames('ap-south-1')).toEqual(['rep-a'])
    expect(fake.getPolicy('ap-south-1', 'rep-a')).toBeUndefined()
    fake.seedReplicationRules('us-east-1', [])

    await using held = await startAwsFake({ replicaDelayMs: null })
    held.seedReplicationRules('us-east-1', [rule('rep-')])
    held.seedRepository('us-east-1', 'rep-b')
    expect(await push(await login(held), 'rep-b', 'v1')).toEqual([201, 201])
    expect(held.getRepositoryNames('ap-south-1')).toEqual([])
  })

  it('a namesake in another region (a replica) keeps the images the regions share', async () => {
    fake.seedRepository('us-east-1', 'replicated')
    fake.seedRepository('eu-west-1', 'replicated')
    await push(await login(fake), 'replicated', 'v1')
    const force = { repositoryName: 'replicated', force: true }
    expect((await ecrCall(fake, 'DeleteRepository', force)).status).toBe(200)
    const replica = await login(fake, { region: 'eu-west-1' })
    expect(await request(replica, 'GET', '/v2/replicated/manifests/v1')).toBe(200)
    expect((await ecrCall(fake, 'DeleteRepository', force, { region: 'eu-west-1' })).status).toBe(
      200,
    )
    fake.seedRepository('eu-west-1', 'replicated')
    expect(await request(replica, 'GET', '/v2/replicated/manifests/v1')).toBe(404)
  })
})
