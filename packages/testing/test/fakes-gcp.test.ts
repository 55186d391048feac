import type { FaultKind } from '@artifact-registry/testing/fakes'
import {
  cloudRunServiceAgent,
  type GcpFake,
  googleError,
  startGcpFake,
} from '@artifact-registry/testing/fakes/gcp'
import { describe, expect, it } from 'vitest'
import { callerToken, type GoogleAnswer, googleCall } from './gcp-wire.js'

const REF = { project: 'acme', location: 'us-central1', repository: 'images' }
const REPO = 'projects/acme/locations/us-central1/repositories/images'
const PULLER = 'puller@acme.iam.gserviceaccount.com'

/** A call signed with the caller's token. */
function call(fake: GcpFake, method: string, path: string, body?: unknown): Promise<GoogleAnswer> {
  return googleCall(fake, method, path, body)
}

describe('GCP fake: Artifact Registry', () => {
  it('refuses requests without a bearer token, or with one it never issued', async () => {
    await using fake = await startGcpFake({ repositories: [REF] })
    const res = await fetch(`${fake.url}/v1/${REPO}`)
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: { status: 'UNAUTHENTICATED' } })
    const forged = await googleCall(fake, 'GET', REPO, undefined, 'ya29.never-issued')
    expect(forged).toMatchObject({ status: 401, json: { error: { status: 'UNAUTHENTICATED' } } })
  })

  it('serves repositories and packages, with package ids URL-encoded once more on the wire', async () => {
    await using fake = await startGcpFake({ repositories: [REF] })
    expect((await call(fake, 'GET', REPO)).json).toMatchObject({ name: REPO, format: 'DOCKER' })
    fake.seedImage(REPO, 'team/app')
    const got = await call(fake, 'GET', `${REPO}/packages/team%252Fapp`)
    expect(got.json).toMatchObject({ name: `${REPO}/packages/team%2Fapp`, displayName: 'team/app' })
    const deleted = await call(fake, 'DELETE', `${REPO}/packages/team%252Fapp`)
    expect(deleted.json).toMatchObject({ done: true })
    expect(fake.getImagePaths(REPO)).toEqual([])
    expect((await call(fake, 'GET', `${REPO}/packages/team%252Fapp`)).status).toBe(404)
    expect(fake.requestsFor('deletePackage')).toHaveLength(1)
  })

  it('pages packages', async () => {
    await using fake = await startGcpFake({ repositories: [REF] })
    for (const path of ['a', 'b', 'c']) fake.seedImage(REPO, path)
    const first = await call(fake, 'GET', `${REPO}/packages?pageSize=2`)
    expect(first.json.packages).toHaveLength(2)
    const second = await call(
      fake,
      'GET',
      `${REPO}/packages?pageSize=2&pageToken=${first.json.nextPageToken}`,
    )
    expect(second.json.packages).toHaveLength(1)
    expect(second.json.nextPageToken).toBeUndefined()
  })

  it('creates repositories through a long-running operation that takes polls', async () => {
    await using fake = await startGcpFake({ lroPolls: 1 })
    const parent = 'projects/acme/locations/us-central1'
    const created = await call(fake, 'POST', `${parent}/repositories?repositoryId=new`, {
      format: 1,
    })
    expect(created.json.done).toBe(false)
    const polled = await call(fake, 'GET', String(created.json.name).replace(/^\//, ''))
    expect(polled.json).toMatchObject({
      done: true,
      response: { name: `${parent}/repositories/new`, format: 'DOCKER' },
    })
    expect((await call(fake, 'POST', `${parent}/repositories?repositoryId=new`, {})).status).toBe(
      409,
    )
  })
})

describe('GCP fake: seeding and reading state', () => {
  it('seeds repositories, images and policies that the API serves, and reset keeps them', async () => {
    await using fake = await startGcpFake()
    const repository = fake.seedRepository(REF)
    expect(repository).toBe(REPO)
    fake.seedImage(repository, 'team/app')
    const seeded = fake.seedPolicy(repository, {
      version: 3,
      bindings: [{ role: 'roles/viewer', members: ['user:a@x.example'] }],
    })
    fake.reset()
    expect(fake.getImagePaths(repository)).toEqual(['team/app'])
    expect(fake.getPolicy(repository)).toEqual(seeded)
    const read = await call(fake, 'GET', `${REPO}:getIamPolicy?options.requestedPolicyVersion=3`)
    // Without conditions IAM answers version 1, whatever version was written.
    expect(read.json).toEqual({ ...seeded, version: 1 })
  })

  it('refuses to seed into what does not exist, or under an id GAR refuses, with a TypeError', async () => {
    await using fake = await startGcpFake()
    expect(() => fake.seedImage(REPO, 'app')).toThrow(
      new TypeError(`[gcp-fake] no repository ${REPO}: seed it first`),
    )
    expect(() => fake.seedPolicy(REPO, { version: 1, bindings: [] })).toThrow(
      new TypeError(`[gcp-fake] no repository ${REPO}: seed it first`),
    )
    expect(() => fake.seedRepository({ ...REF, repository: 'Images' })).toThrow(
      new TypeError('[gcp-fake] GAR refuses the repository id "Images"'),
    )
  })
})

describe('GCP fake: IAM policies', () => {
  it('starts with the empty policy and rotates the etag on every write', async () => {
    await using fake = await startGcpFake({ repositories: [REF], principals: ['user:a@x.example'] })
    const empty = await call(fake, 'GET', `${REPO}:getIamPolicy?options.requestedPolicyVersion=3`)
    expect(empty.json).toEqual({ version: 1, etag: 'ACAB' })
    const policy = {
      version: 3,
      etag: 'ACAB',
      bindings: [{ role: 'roles/viewer', members: ['user:a@x.example'] }],
    }
    const written = await call(fake, 'POST', `${REPO}:setIamPolicy`, { policy })
    expect(written.status).toBe(200)
    expect(written.json.etag).not.toBe('ACAB')
    const stale = await call(fake, 'POST', `${REPO}:setIamPolicy`, { policy })
    expect(stale.status).toBe(409)
    expect(stale.json).toMatchObject({ error: { status: 'ABORTED' } })
  })

  // GetPolicyOptions: an answer may use a lower version than asked for; a policy without
  // conditional bindings asked for as version 3 comes back as version 1.
  it('answers a version 3 read of a policy without conditions as version 1', async () => {
    await using fake = await startGcpFake({ repositories: [REF], principals: ['user:a@x.example'] })
    const plain = { role: 'roles/viewer', members: ['user:a@x.example'] }
    const conditional = { ...plain, condition: { title: 't', expression: 'true' } }
    const read = () => call(fake, 'GET', `${REPO}:getIamPolicy?options.requestedPolicyVersion=3`)
    fake.seedPolicy(REPO, { version: 3, bindings: [plain] })
    expect((await read()).json).toMatchObject({ version: 1, bindings: [plain] })
    fake.seedPolicy(REPO, { version: 3, bindings: [plain, conditional] })
    expect((await read()).json).toMatchObject({ version: 3, bindings: [plain, conditional] })
  })

  it('needs version 3 for conditions and hides them from lower-version reads', async () => {
    await using fake = await startGcpFake({ repositories: [REF], principals: ['user:a@x.example'] })
    const binding = {
      role: 'roles/artifactregistry.reader',
      members: ['user:a@x.example'],
      condition: {
        title: 't',
        description: '',
        expression: 'request.time < timestamp("2030-01-01T00:00:00Z")',
      },
    }
    const v1 = await call(fake, 'POST', `${REPO}:setIamPolicy`, {
      policy: { version: 1, bindings: [binding] },
    })
    expect(v1.status).toBe(400)
    const v3 = await call(fake, 'POST', `${REPO}:setIamPolicy`, {
      policy: { version: 3, bindings: [binding] },
    })
    // Stored in canonical proto3 JSON: the empty description is dropped.
    expect(v3.json.bindings).toEqual([
      { ...binding, condition: { title: 't', expression: binding.condition.expression } },
    ])
    const low = await call(fake, 'GET', `${REPO}:getIamPolicy`)
    expect(low.json.version).toBe(1)
    expect((low.json.bindings as { role: string; condition?: unknown }[])[0]?.role).toMatch(
      /^roles\/artifactregistry\.reader_withcond_[0-9a-f]{8}$/,
    )
  })

  it('refuses a lower version with an etag over conditions; without an etag it overwrites them', async () => {
    await using fake = await startGcpFake({ repositories: [REF], principals: ['user:a@x.example'] })
    const conditional = {
      role: 'roles/artifactregistry.reader',
      members: ['user:a@x.example'],
      condition: { title: 't', expression: 'request.time < timestamp("2030-01-01T00:00:00Z")' },
    }
    const plain = { role: 'roles/artifactregistry.writer', members: ['user:a@x.example'] }
    fake.seedPolicy(REPO, { version: 3, bindings: [conditional] })
    // A version 1 read shows no condition; writing it back with its etag would lose it.
    const read = await call(fake, 'GET', `${REPO}:getIamPolicy`)
    const guarded = await call(fake, 'POST', `${REPO}:setIamPolicy`, {
      policy: { version: 1, etag: read.json.etag, bindings: [plain] },
    })
    expect(guarded.status).toBe(400)
    expect(guarded.json).toMatchObject({ error: { status: 'INVALID_ARGUMENT' } })
    expect(fake.getPolicy(REPO).bindings).toEqual([conditional])
    const blind = await call(fake, 'POST', `${REPO}:setIamPolicy`, {
      policy: { version: 1, bindings: [plain] },
    })
    expect(blind.status).toBe(200)
    expect(fake.getPolicy(REPO).bindings).toEqual([plain])
  })

  // GetPolicyOptions documents 0, 1 and 3 as the only versions; any other is refused, not read
  // as the nearest one.
  it('refuses a requested policy version other than 0, 1 or 3', async () => {
    await using fake = await startGcpFake({ repositories: [REF] })
    for (const version of ['2', '4', 'three', '-1']) {
      const read = await call(
        fake,
        'GET',
        `${REPO}:getIamPolicy?options.requestedPolicyVersion=${version}`,
      )
      expect(read.status, version).toBe(400)
      expect(read.json, version).toMatchObject({ error: { status: 'INVALID_ARGUMENT' } })
    }
    for (const version of ['0', '1', '3']) {
      const read = await call(
        fake,
        'GET',
        `${REPO}:getIamPolicy?options.requestedPolicyVersion=${version}`,
      )
      expect(read.status, version).toBe(200)
    }
  })

  it('runs a concurrent writer between a read and a write', async () => {
    await using fake = await startGcpFake({ repositories: [REF] })
    fake.inject('setIamPolicy', {
      before: () => {
        fake.seedPolicy(REPO, {
          version: 3,
          bindings: [{ role: 'roles/viewer', members: ['user:b@x.example'] }],
        })
      },
    })
    const read = await call(fake, 'GET', `${REPO}:getIamPolicy?options.requestedPolicyVersion=3`)
    const write = await call(fake, 'POST', `${REPO}:setIamPolicy`, {
      policy: { ...read.json, bindings: [] },
    })
    expect(write.status).toBe(409)
    expect(fake.getPolicy(REPO).bindings).toEqual([
      { role: 'roles/viewer', members: ['user:b@x.example'] },
    ])
  })
})

describe('GCP fake: faults', () => {
  it.each<[FaultKind, number, string]>([
    ['throttling', 429, 'RESOURCE_EXHAUSTED'],
    ['server-error', 500, 'INTERNAL'],
    ['unavailable', 503, 'UNAVAILABLE'],
    ['access-denied', 403, 'PERMISSION_DENIED'],
    ['unauthenticated', 401, 'UNAUTHENTICATED'],
    ['conflict', 409, 'ABORTED'],
  ])('%s: HTTP %i, %s in the Google error body', async (kind, status, googleStatus) => {
    await using fake = await startGcpFake({ repositories: [REF] })
    fake.inject('getIamPolicy', kind, { times: 2 })
    const answers = []
    for (let i = 0; i < 3; i++) answers.push(await call(fake, 'GET', `${REPO}:getIamPolicy`))
    expect(answers.map((a) => a.status)).toEqual([status, status, 200])
    expect(answers[0]?.json).toMatchObject({ error: { code: status, status: googleStatus } })
  })

  it('answers the OAuth token endpoint in its own error shape', async () => {
    await using fake = await startGcpFake()
    fake.inject('oauthToken', 'unauthenticated')
    fake.inject('oauthToken', 'throttling', { retryAfterSeconds: 30 })
    const { authClient } = fake.providerOptions()
    await expect(authClient.getAccessToken()).rejects.toThrow()
    const throttled = await fetch(`${fake.url}/token`, { method: 'POST', body: '' })
    expect(throttled.status).toBe(429)
    expect(throttled.headers.get('retry-after')).toBe('30')
    expect(await throttled.json()).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'Rate limit exceeded.',
    })
    expect(fake.requestsFor('oauthToken')).toHaveLength(2)
    expect(() => fake.inject('oauthToken', 'conflict')).toThrow(
      new TypeError(
        '[gcp-fake] the OAuth token endpoint (oauthToken) has no "conflict" fault: inject a response instead',
      ),
    )
  })

  it('sends a response of your own as it is', async () => {
    await using fake = await startGcpFake({ repositories: [REF] })
    fake.inject('getIamPolicy', googleError('FAILED_PRECONDITION', 'custom'))
    expect(await call(fake, 'GET', `${REPO}:getIamPolicy`)).toEqual({
      status: 400,
      json: { error: { code: 400, message: 'custom', status: 'FAILED_PRECONDITION' } },
    })
  })
})

describe('GCP fake: IAM Credentials', () => {
  const path =
    'projects/-/serviceAccounts/puller%40acme.iam.gserviceaccount.com:generateAccessToken'
  const scope = ['https://www.googleapis.com/auth/cloud-platform']

  it('issues a token that expires after the requested lifetime', async () => {
    await using fake = await startGcpFake({ serviceAccounts: [PULLER] })
    const before = Date.now()
    const res = await call(fake, 'POST', path, { scope, lifetime: '600s' })
    expect(res.json.accessToken).toMatch(/^ya29\./)
    const expiry = Date.parse(String(res.json.expireTime))
    expect(expiry).toBeGreaterThan(before + 598_000)
    expect(expiry).toBeLessThanOrEqual(Date.now() + 600_000)
    expect(fake.tokens).toMatchObject([
      {
        serviceAccount: 'puller@acme.iam.gserviceaccount.com',
        lifetimeSeconds: 600,
        expireTime: res.json.expireTime,
      },
    ])
  })

  it('refuses lifetimes over 3600 s and a missing scope', async () => {
    await using fake = await startGcpFake({ serviceAccounts: [PULLER] })
    expect((await call(fake, 'POST', path, { scope, lifetime: '7200s' })).status).toBe(400)
    // A fraction past the hour is past the hour: not an hour-long token.
    expect((await call(fake, 'POST', path, { scope, lifetime: '3600.5s' })).status).toBe(400)
    expect((await call(fake, 'POST', path, { lifetime: '60s' })).status).toBe(400)
    expect(fake.tokens).toHaveLength(0)
  })
})

describe('GCP fake: OAuth scopes of REST calls', () => {
  const AUTH = 'https://www.googleapis.com/auth'
  const generate = `projects/-/serviceAccounts/${encodeURIComponent(PULLER)}:generateAccessToken`

  /** A token of PULLER, who may do anything on the repository, with one OAuth scope. */
  async function pullerToken(fake: GcpFake, scope: string): Promise<string> {
    const res = await call(fake, 'POST', generate, { scope: [scope], lifetime: '600s' })
    return String(res.json.accessToken)
  }

  // Each method's reference lists the scopes it takes: a read of the registry takes
  // cloud-platform.read-only too, anything else cloud-platform alone, whatever the holder's roles.
  it('lets a read-only token read the registry and nothing more', async () => {
    await using fake = await startGcpFake({ repositories: [REF], serviceAccounts: [PULLER] })
    const policy = {
      bindings: [
        { role: 'roles/artifactregistry.repoAdmin', members: [`serviceAccount:${PULLER}`] },
      ],
    }
    expect((await call(fake, 'POST', `${REPO}:setIamPolicy`, { policy })).status).toBe(200)
    fake.seedImage(REPO, 'app')
    const readOnly = await pullerToken(fake, `${AUTH}/cloud-platform.read-only`)
    expect((await googleCall(fake, 'GET', REPO, undefined, readOnly)).status).toBe(200)
    expect((await googleCall(fake, 'GET', `${REPO}/packages`, undefined, readOnly)).status).toBe(
      200,
    )
    const insufficient = {
      status: 403,
      json: {
        error: {
          status: 'PERMISSION_DENIED',
          message: 'Request had insufficient authentication scopes.',
          details: [expect.objectContaining({ reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT' })],
        },
      },
    }
    expect(
      await googleCall(fake, 'DELETE', `${REPO}/packages/app`, undefined, readOnly),
    ).toMatchObject(insufficient)
    expect(
      await googleCall(fake, 'POST', `${REPO}:setIamPolicy`, { policy }, readOnly),
    ).toMatchObject(insufficient)
    expect(
      await googleCall(fake, 'POST', generate, { scope: [`${AUTH}/cloud-platform`] }, readOnly),
    ).toMatchObject(insufficient)
    // A storage scope lets a token pull, and reaches no REST method at all.
    const storage = await pullerToken(fake, `${AUTH}/devstorage.read_only`)
    expect(await googleCall(fake, 'GET', REPO, undefined, storage)).toMatchObject(insufficient)
    expect(fake.getImagePaths(REPO)).toEqual(['app'])
    // The same holder with cloud-platform (control).
    const full = await pullerToken(fake, `${AUTH}/cloud-platform`)
    expect((await googleCall(fake, 'DELETE', `${REPO}/packages/app`, undefined, full)).status).toBe(
      200,
    )
    expect(fake.getImagePaths(REPO)).toEqual([])
  })
})

describe('GCP fake: OAuth token endpoint and providerOptions', () => {
  const tokenRequest = (fake: GcpFake, fields: Record<string, string>) =>
    fetch(`${fake.url}/token`, { method: 'POST', body: new URLSearchParams(fields) })

  it('gives gcp() a caller whose tokens come from the fake, and the fake as every API', async () => {
    await using fake = await startGcpFake()
    const options = fake.providerOptions()
    expect(options.clientOptions).toEqual({
      apiEndpoint: '127.0.0.1',
      port: fake.port,
      protocol: 'http',
    })
    expect(options.iamCredentialsEndpoint).toBe(fake.url)
    const { token } = await options.authClient.getAccessToken()
    expect(token).toMatch(/^ya29\.fake-caller-/)
    expect(fake.callerTokens).toEqual([token])
    expect(fake.requestsFor('oauthToken')).toHaveLength(1)
    fake.reset()
    expect(fake.callerTokens).toEqual([])
    // Forgotten by the log, still valid: a provider holding it keeps working.
    expect(
      (await googleCall(fake, 'GET', 'projects/a/locations/b/repositories', undefined, token ?? ''))
        .status,
    ).toBe(200)
  })

  it('answers a wrong grant, client or refresh token in the OAuth error shape', async () => {
    await using fake = await startGcpFake()
    const { authClient } = fake.providerOptions()
    const caller = {
      client_id: authClient._clientId ?? '',
      client_secret: authClient._clientSecret ?? '',
      refresh_token: authClient._refreshToken ?? '',
    }
    const answers = await Promise.all(
      [
        { ...caller, grant_type: 'client_credentials' },
        { ...caller, grant_type: 'refresh_token', client_secret: 'wrong' },
        { ...caller, grant_type: 'refresh_token', refresh_token: 'revoked' },
      ].map(async (fields) => {
        const res = await tokenRequest(fake, fields)
        return { status: res.status, body: await res.json() }
      }),
    )
    expect(answers).toMatchObject([
      { status: 400, body: { error: 'unsupported_grant_type' } },
      { status: 401, body: { error: 'invalid_client' } },
      { status: 400, body: { error: 'invalid_grant' } },
    ])
    expect(fake.callerTokens).toEqual([])
    const ok = await tokenRequest(fake, { ...caller, grant_type: 'refresh_token' })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3599 })
  })
})

// Each region below is a block of packages/testing/README.md, word for word.
describe('GCP fake: the README', () => {
  const EU = { project: 'acme-prod', location: 'europe-west1', repository: 'eu-images' }

  it('starts', async () => {
    // #region testing-readme-gcp-start
    await using fake = await startGcpFake({
      repositories: [{ project: 'acme-prod', location: 'us-central1', repository: 'images' }],
      lroPolls: 1, // every long-running operation answers "not done" once
    })
    // fake.url: Artifact Registry, IAM Credentials and the OAuth token endpoint, http://127.0.0.1:<port>
    // #endregion
    const name = 'projects/acme-prod/locations/us-central1/repositories/images'
    expect((await call(fake, 'GET', name)).json).toMatchObject({ name })
  })

  it('declares who exists', async () => {
    // #region testing-readme-gcp-identities
    await using fake = await startGcpFake({
      repositories: [{ project: 'acme-prod', location: 'us-central1', repository: 'images' }],
      serviceAccounts: [
        'puller@acme-prod.iam.gserviceaccount.com', // the caller may impersonate it
        { email: 'ci@acme-prod.iam.gserviceaccount.com', tokenCreators: [] }, // nobody may
        cloudRunServiceAgent('123456789012'), // project 123456789012 has used Cloud Run
      ],
      principals: ['group:audit@acme.example'],
      customRoles: {
        'projects/acme-prod/roles/puller': ['artifactregistry.repositories.downloadArtifacts'],
      },
      allowedMemberDomains: ['acme-prod.iam.gserviceaccount.com', 'acme.example'], // domain-restricted sharing
    })
    fake.seedServiceAccount('builder@acme-prod.iam.gserviceaccount.com')
    fake.deleteServiceAccount('builder@acme-prod.iam.gserviceaccount.com') // its bindings turn deleted:
    // #endregion
    const images = 'projects/acme-prod/locations/us-central1/repositories/images'
    const grant = (member: string) =>
      call(fake, 'POST', `${images}:setIamPolicy`, {
        policy: { bindings: [{ role: 'projects/acme-prod/roles/puller', members: [member] }] },
      })
    expect((await grant('group:audit@acme.example')).status).toBe(200)
    expect((await grant('serviceAccount:builder@acme-prod.iam.gserviceaccount.com')).status).toBe(
      400,
    )
    expect(
      (await grant(`serviceAccount:${cloudRunServiceAgent('123456789012')}`)).json,
    ).toMatchObject({
      error: { status: 'FAILED_PRECONDITION' },
    })
  })

  it('serves a data plane and moves its clock', async () => {
    await using fake = await startGcpFake({
      repositories: [{ project: 'acme-prod', location: 'us-central1', repository: 'images' }],
      serviceAccounts: ['puller@acme-prod.iam.gserviceaccount.com'],
    })
    const token = await callerToken(fake)
    // #region testing-readme-gcp-data-plane
    // fake.dataPlane.registry: 127.0.0.1:<port>, standing in for us-central1-docker.pkg.dev; log in
    // as oauth2accesstoken with a token the fake issued; images are {project}/{repository}/{image}
    fake.advanceClock(3600) // impersonated tokens an hour old or more are refused from now on
    // #endregion
    const login = `Basic ${Buffer.from(`oauth2accesstoken:${token}`).toString('base64')}`
    const res = await fetch(`http://${fake.dataPlane.registry}/v2/`, {
      headers: { authorization: login },
    })
    expect(res.status).toBe(200)
    expect(fake.now() - Date.now()).toBeGreaterThanOrEqual(3_599_000)
  })

  it('seeds and reads state', async () => {
    await using fake = await startGcpFake()
    // #region testing-readme-gcp-seeding
    // images: the resource name, projects/acme-prod/locations/europe-west1/repositories/eu-images
    const images = fake.seedRepository({
      project: 'acme-prod',
      location: 'europe-west1',
      repository: 'eu-images',
    })
    fake.seedImage(images, 'team/app') // as a first docker push would
    const reader = { role: 'roles/artifactregistry.reader', members: ['group:audit@acme.example'] }
    fake.seedPolicy(images, { version: 3, bindings: [reader] })
    const { etag } = fake.getPolicy(images) // as stored, with its etag
    // also getImagePaths(images)
    // #endregion
    expect(fake.getImagePaths(images)).toEqual(['team/app'])
    const read = await call(fake, 'GET', `${images}:getIamPolicy?options.requestedPolicyVersion=3`)
    expect(read.json).toEqual({ version: 1, bindings: [reader], etag })
  })

  it('injects faults', async () => {
    await using fake = await startGcpFake()
    const images = fake.seedRepository(EU)
    // #region testing-readme-gcp-faults
    fake.inject('getIamPolicy', 'unavailable', { times: 2 }) // 503 UNAVAILABLE, twice
    fake.inject('generateAccessToken', 'access-denied') // 403 PERMISSION_DENIED
    fake.inject('getRepository', googleError('FAILED_PRECONDITION', 'the repository is read-only'))
    fake.inject('setIamPolicy', {
      // a concurrent writer: the etag the client read is stale now
      before: () => void fake.seedPolicy(images, { version: 3, bindings: [] }),
    })
    // #endregion
    const iam = `${images}:getIamPolicy`
    const statuses = [(await call(fake, 'GET', iam)).status, (await call(fake, 'GET', iam)).status]
    expect(statuses).toEqual([503, 503])
    const token = await call(
      fake,
      'POST',
      'projects/-/serviceAccounts/puller%40acme.iam.gserviceaccount.com:generateAccessToken',
      { scope: ['https://www.googleapis.com/auth/cloud-platform'] },
    )
    expect(token.json).toMatchObject({ error: { status: 'PERMISSION_DENIED' } })
    expect((await call(fake, 'GET', images)).json).toMatchObject({
      error: { status: 'FAILED_PRECONDITION', message: 'the repository is read-only' },
    })
    const { etag } = (await call(fake, 'GET', iam)).json
    const write = await call(fake, 'POST', `${images}:setIamPolicy`, { policy: { etag } })
    expect(write.json).toMatchObject({ error: { status: 'ABORTED' } })
  })

  it('logs requests', async () => {
    await using fake = await startGcpFake()
    const images = fake.seedRepository(EU)
    await call(fake, 'POST', `${images}:setIamPolicy`, { policy: { etag: 'ACAB' } })
    // #region testing-readme-gcp-requests
    const etags = fake.requestsFor('setIamPolicy').map((r) => JSON.parse(r.body).policy.etag)
    // fake.tokens: each token generateAccessToken issued, with its service account and lifetime
    // fake.callerTokens: each token the OAuth token endpoint issued to providerOptions()
    // #endregion
    expect(etags).toEqual(['ACAB'])
  })

  it('resets and closes', async () => {
    const fake = await startGcpFake()
    const images = fake.seedRepository(EU)
    fake.seedImage(images, 'kept')
    fake.inject('getRepository', 'unavailable')
    // #region testing-readme-gcp-reset
    fake.reset() // forgets the request log, injected faults, tokens and callerTokens
    // repositories, images and policies stay
    await fake.close() // or start it with `await using`
    // #endregion
    expect(fake.requests).toHaveLength(0)
    expect(fake.getImagePaths(images)).toEqual(['kept'])
    await expect(fetch(fake.url)).rejects.toThrow()
  })
})
