import { request } from 'node:https'
import {
  type AzureFake,
  FAKE_AZURE,
  NULL_GUID_USERNAME,
  startAzureFake,
} from '@artifact-registry/testing/fakes/azure'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  aadToken,
  accessToken,
  basic,
  call,
  digestOf,
  exchange,
  form,
  getManifest,
  pushBlob,
  pushImage,
  refreshToken,
  text,
  tokenByBasic,
} from './azure-wire.js'

const REGISTRY = `/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/${FAKE_AZURE.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${FAKE_AZURE.registryName}?api-version=2025-11-01`

describe('Azure fake: Entra ID audiences at /oauth2/exchange', () => {
  it("exchanges ACR-audience and ARM-audience tokens by default, as ACR does, and no other's", async () => {
    await using fake = await startAzureFake()
    expect((await exchange(fake, 'https://containerregistry.azure.net/.default')).status).toBe(200)
    expect((await exchange(fake, 'https://management.azure.com/.default')).status).toBe(200)
    const storage = await exchange(fake, 'https://storage.azure.com/.default')
    expect(storage).toMatchObject({ status: 401, body: { errors: [{ code: 'UNAUTHORIZED' }] } })
  })

  it('refuses ARM-audience tokens with 401 when they are disabled, as the built-in policy makes ACR', async () => {
    await using fake = await startAzureFake({ armAudienceTokens: false })
    const arm = await exchange(fake, 'https://management.azure.com/.default')
    expect(arm.status).toBe(401)
    expect(JSON.stringify(arm.body)).toContain('https://containerregistry.azure.net/.default')
    expect((await exchange(fake, 'https://containerregistry.azure.net/.default')).status).toBe(200)
  })
})

describe('Azure fake: /oauth2/token', () => {
  let fake: AzureFake
  beforeAll(async () => {
    fake = await startAzureFake({
      identities: [{ ...FAKE_AZURE, registryActions: ['pull', 'push'] }],
    })
  })
  afterAll(() => fake.close())

  it('takes the null GUID and an access token by GET with Basic, granting no more than that token', async () => {
    const pullOnly = await accessToken(fake, 'repository:team/app:pull')
    const answer = await tokenByBasic(fake, pullOnly, [
      'repository:team/app:pull,push',
      'repository:other/app:pull',
    ])
    expect(answer.status).toBe(200)
    expect(fake.decodeToken(text(answer, 'access_token'))?.access).toEqual([
      { type: 'repository', name: 'team/app', actions: ['pull', 'metadata_read'] },
      { type: 'repository', name: 'other/app', actions: [] },
    ])
  })

  it('never lets a token issued on an access token outlive it', async () => {
    const source = await accessToken(fake, 'repository:team/app:pull')
    fake.advanceClock(600)
    const derived = text(
      await tokenByBasic(fake, source, ['repository:team/app:pull']),
      'access_token',
    )
    expect(fake.decodeToken(derived)?.exp).toBe(fake.decodeToken(source)?.exp)
    fake.advanceClock(4500)
    const expired = await tokenByBasic(fake, source, ['repository:team/app:pull'])
    expect(expired).toMatchObject({ status: 401, body: { errors: [{ code: 'UNAUTHORIZED' }] } })
  })

  it('takes the null GUID and a refresh token, granting what RBAC allows (as az acr login hands docker)', async () => {
    const answer = await tokenByBasic(fake, await refreshToken(fake), [
      'repository:team/app:pull,push,delete',
    ])
    expect(fake.decodeToken(text(answer, 'access_token'))?.access).toEqual([
      { type: 'repository', name: 'team/app', actions: ['pull', 'push', 'metadata_read'] },
    ])
  })

  it('answers the login check (no scope) with a token that grants nothing', async () => {
    const answer = await tokenByBasic(fake, await refreshToken(fake), [])
    expect(fake.decodeToken(text(answer, 'access_token'))?.access).toEqual([])
  })

  it('takes the same credentials by the password grant', async () => {
    const answer = await call(
      fake,
      'POST',
      '/oauth2/token',
      form({
        grant_type: 'password',
        service: fake.loginServer,
        scope: 'repository:team/app:pull',
        username: NULL_GUID_USERNAME,
        password: await accessToken(fake, 'repository:team/app:pull'),
      }),
    )
    expect(fake.decodeToken(text(answer, 'access_token'))?.access).toEqual([
      { type: 'repository', name: 'team/app', actions: ['pull', 'metadata_read'] },
    ])
  })

  it('refuses no credentials, another username, an unknown token or another service with 401', async () => {
    const token = await accessToken(fake, 'repository:team/app:pull')
    const scope = 'scope=repository%3Ateam%2Fapp%3Apull'
    const anonymous = await call(fake, 'GET', `/oauth2/token?service=${fake.loginServer}&${scope}`)
    const refusals = [
      anonymous,
      await tokenByBasic(fake, token, ['repository:team/app:pull'], 'someone'),
      await tokenByBasic(fake, 'eyJ.not.issued', ['repository:team/app:pull']),
      await call(fake, 'GET', `/oauth2/token?service=other.azurecr.io&${scope}`, {
        headers: basic(NULL_GUID_USERNAME, token),
      }),
    ]
    expect(refusals.map((r) => r.status)).toEqual([401, 401, 401, 401])
  })

  it('asks state.basicVerifiers in order: a credential of your own gets what its verifier grants', async () => {
    await using own = await startAzureFake()
    const seen: string[] = []
    own.state.basicVerifiers.push((credentials, { service, nowSeconds }) => {
      seen.push(`${credentials.username}@${service}`)
      if (credentials.username !== 'ci-token' || credentials.password !== 's3cret') return undefined
      return {
        subject: 'ci-token',
        allowed: (type, name) => (type === 'repository' && name === 'ci/app' ? ['pull'] : []),
        exp: nowSeconds + 60,
      }
    })
    const answer = await tokenByBasic(own, 's3cret', ['repository:ci/app:pull,push'], 'ci-token')
    const claims = own.decodeToken(text(answer, 'access_token'))
    expect(claims).toMatchObject({
      sub: 'ci-token',
      access: [{ type: 'repository', name: 'ci/app', actions: ['pull'] }],
    })
    expect((claims?.exp ?? 0) - own.now() / 1000).toBeLessThanOrEqual(60)
    expect((await tokenByBasic(own, 'wrong', [], 'ci-token')).status).toBe(401)
    expect(seen).toEqual([`ci-token@${own.loginServer}`, `ci-token@${own.loginServer}`])
  })
})

describe('Azure fake: the OCI API on the login server', () => {
  let fake: AzureFake
  beforeAll(async () => {
    fake = await startAzureFake()
  })
  afterAll(() => fake.close())
  beforeEach(() => fake.reset())

  it('names itself as a data plane of HTTPS on the login server, with its CA', () => {
    expect(fake.dataPlane).toEqual({
      registry: fake.loginServer,
      tls: true,
      caCertificate: fake.ca,
    })
  })

  it("answers without a token with ACR's Bearer challenge, and the login check with a token", async () => {
    const ping = await call(fake, 'GET', '/v2/')
    expect(ping.status).toBe(401)
    expect(ping.headers['www-authenticate']).toBe(
      `Bearer realm="https://${fake.loginServer}/oauth2/token",service="${fake.loginServer}"`,
    )
    const login = text(await tokenByBasic(fake, await refreshToken(fake), []), 'access_token')
    const checked = await call(fake, 'GET', '/v2/', {
      headers: { authorization: `Bearer ${login}` },
    })
    expect(checked.status).toBe(200)
    expect(fake.requestsFor('acr.v2')).toHaveLength(2)
  })

  it('lets a push token push (the repository appears) and a pull token pull, and nothing more', async () => {
    const pusher = await accessToken(fake, 'repository:pushed/app:pull,push')
    const digest = await pushImage(fake, pusher, 'pushed/app', 'v1')
    expect(await fake.getRepositories()).toContain('pushed/app')
    const puller = await accessToken(fake, 'repository:pushed/app:pull')
    const pulled = await getManifest(fake, puller, 'pushed/app', 'v1')
    expect([pulled.status, pulled.headers['docker-content-digest']]).toEqual([200, digest])

    const refused = await pushBlob(fake, puller, 'pushed/app', Buffer.from('more'))
    expect(refused.status).toBe(401)
    expect(refused.headers['www-authenticate']).toBe(
      `Bearer realm="https://${fake.loginServer}/oauth2/token",service="${fake.loginServer}",scope="repository:pushed/app:pull,push",error="insufficient_scope"`,
    )
    const elsewhere = await getManifest(fake, puller, 'other/app', 'v1')
    expect(elsewhere.headers['www-authenticate']).toContain('scope="repository:other/app:pull"')
    expect(elsewhere.status).toBe(401)
  })

  it('lists tags for a token of a role that pulls (AcrPull views tags), not for a delete-only one', async () => {
    await using puller = await startAzureFake({
      identities: [{ ...FAKE_AZURE, acrRoles: ['AcrPull'] }],
    })
    await puller.seedImage('team/app', 'v1')
    const tags = async (token: string) =>
      call(puller, 'GET', '/v2/team/app/tags/list', {
        headers: { authorization: `Bearer ${token}` },
      })
    const listed = await tags(await accessToken(puller, 'repository:team/app:pull'))
    expect(listed).toMatchObject({ status: 200, body: { tags: ['v1'] } })
    const deleter = await accessToken(fake, 'repository:team/app:delete')
    await fake.seedImage('team/app', 'v1')
    const refused = await call(fake, 'GET', '/v2/team/app/tags/list', {
      headers: { authorization: `Bearer ${deleter}` },
    })
    expect(refused.status).toBe(401)
    expect(refused.headers['www-authenticate']).toContain(
      'scope="repository:team/app:metadata_read",error="insufficient_scope"',
    )
  })

  it('refuses a token once it has expired on the fake clock', async () => {
    await using timed = await startAzureFake({ accessTokenLifetimeSeconds: 120 })
    const token = await accessToken(timed, 'repository:timed/app:pull,push')
    await pushImage(timed, token, 'timed/app', 'v1')
    // The fake's clock is the wall clock moved on, so the margin keeps a push or a request that
    // crosses a second from expiring the token early.
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString())
    timed.advanceClock(exp - Math.floor(timed.now() / 1000) - 5)
    expect((await getManifest(timed, token, 'timed/app', 'v1')).status).toBe(200)
    timed.advanceClock(5)
    expect((await getManifest(timed, token, 'timed/app', 'v1')).status).toBe(401)
  })

  it('refuses an Entra ID token, a refresh token or a forged one as a Bearer token', async () => {
    await pushImage(fake, await accessToken(fake, 'repository:x/app:pull,push'), 'x/app', 'v1')
    for (const token of [await aadToken(fake), await refreshToken(fake), 'eyJ.forged.x']) {
      expect((await getManifest(fake, token, 'x/app', 'v1')).status).toBe(401)
    }
  })

  it('streams blobs both ways, and logs them without their bodies', async () => {
    const token = await accessToken(fake, 'repository:big/app:pull,push')
    const blob = Buffer.alloc(8 * 1024 * 1024, 'a')
    expect((await pushBlob(fake, token, 'big/app', blob)).status).toBe(201)
    const pulled = await call(fake, 'GET', `/v2/big/app/blobs/${digestOf(blob)}`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(pulled.status).toBe(200)
    expect(digestOf(Buffer.from(String(pulled.body)))).toBe(digestOf(blob))
    expect(fake.requestsFor('acr.v2').every((r) => r.body === '')).toBe(true)
  })

  it('deletes a repository with its images through /acr/v1/, for the data plane too', async () => {
    const token = await accessToken(fake, 'repository:gone/app:pull,push,delete')
    await pushImage(fake, token, 'gone/app', 'v1')
    const deleted = await call(fake, 'DELETE', '/acr/v1/gone/app', {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(deleted.status).toBe(202)
    expect(await fake.getRepositoryContent('gone/app')).toBeUndefined()
    expect((await getManifest(fake, token, 'gone/app', 'v1')).status).toBe(404)
  })

  it('keeps serving when a client hangs up in the middle of an upload', async () => {
    const token = await accessToken(fake, 'repository:cut/app:pull,push')
    const started = await call(fake, 'POST', '/v2/cut/app/blobs/uploads/', {
      headers: { authorization: `Bearer ${token}` },
    })
    const location = String(started.headers.location)
    await new Promise<void>((resolve) => {
      const req = request(new URL(location, fake.url), {
        method: 'PATCH',
        ca: fake.ca,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      })
      req.on('error', () => resolve())
      req.write(Buffer.alloc(256 * 1024, 1), () => setTimeout(() => req.destroy(), 50))
    })
    // The registry hears of it at once: the session takes the next chunk, from where it stands.
    const status = await call(fake, 'GET', location, {
      headers: { authorization: `Bearer ${token}` },
    })
    const next = await call(fake, 'PATCH', location, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: Buffer.from('rest'),
    })
    expect([status.status, next.status]).toEqual([204, 202])
  })

  it('answers the OCI API with an injected fault like any operation', async () => {
    fake.inject('acr.v2', 'throttling', { retryAfterSeconds: 2 })
    const throttled = await call(fake, 'GET', '/v2/')
    expect(throttled).toMatchObject({ status: 429, headers: { 'retry-after': '2' } })
    expect(throttled.body).toMatchObject({ errors: [{ code: 'TOOMANYREQUESTS' }] })
  })
})

describe('Azure fake: its clock', () => {
  it('moves only forward, by a finite number of seconds', async () => {
    await using fake = await startAzureFake()
    const before = fake.now()
    fake.advanceClock(90)
    expect(fake.now() - before).toBeGreaterThanOrEqual(90_000)
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number]) {
      expect(() => fake.advanceClock(bad)).toThrow(TypeError)
    }
  })

  it('expires ACR refresh tokens on it, and leaves Entra ID tokens to the machine clock the SDK caches them by', async () => {
    await using fake = await startAzureFake()
    const bearer = { authorization: `Bearer ${await aadToken(fake)}` }
    const refresh = await refreshToken(fake)
    fake.advanceClock(3 * 3600 - 60)
    expect((await tokenByBasic(fake, refresh, [])).status).toBe(200)
    expect((await call(fake, 'GET', REGISTRY, { headers: bearer })).status).toBe(200)
    fake.advanceClock(60)
    expect((await tokenByBasic(fake, refresh, [])).status).toBe(401)
    expect((await call(fake, 'GET', REGISTRY, { headers: bearer })).status).toBe(200)
    // A refresh token issued now lasts 3 hours of the fake's time.
    const lifetime = (fake.decodeToken(await refreshToken(fake))?.exp ?? 0) - fake.now() / 1000
    expect(lifetime).toBeGreaterThan(3 * 3600 - 2)
  })

  it("gives the provider the fake's time through providerOptions", async () => {
    await using fake = await startAzureFake()
    const { clock } = fake.providerOptions()
    fake.advanceClock(3600)
    expect(Math.abs(clock.now() - fake.now())).toBeLessThan(1000)
    expect(clock.now() - Date.now()).toBeGreaterThan(3_599_000)
  })
})
