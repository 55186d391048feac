import type { FaultKind } from '@artifact-registry/testing/fakes'
import {
  type AzureFake,
  acrError,
  FAKE_AZURE,
  startAzureFake,
  TEST_TLS_CERT,
} from '@artifact-registry/testing/fakes/azure'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  aadToken,
  call,
  exchange,
  form,
  requestAadToken,
  requestAccessToken,
  text,
} from './azure-wire.js'

const REGISTRY = `/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/${FAKE_AZURE.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${FAKE_AZURE.registryName}`
const API = 'api-version=2025-11-01'

describe('Azure fake', () => {
  let fake: AzureFake
  let bearer: Record<string, string>
  beforeAll(async () => {
    fake = await startAzureFake()
    bearer = { authorization: `Bearer ${await aadToken(fake)}` }
  })
  afterAll(() => fake.close())
  beforeEach(() => {
    fake.reset()
    fake.lroStyle = 'azure-async-operation'
    fake.pollsBeforeDone = 1
  })

  it('serves HTTPS that only a client trusting the test certificate accepts', async () => {
    expect(fake.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    await expect(call(fake, 'GET', '/v2/', { ca: null })).rejects.toThrow(/self-signed/)
  })

  describe('Entra ID', () => {
    it('serves the OpenID metadata MSAL needs', async () => {
      const answer = await call(
        fake,
        'GET',
        `/${FAKE_AZURE.tenantId}/v2.0/.well-known/openid-configuration`,
      )
      expect(answer.body).toMatchObject({
        token_endpoint: `${fake.url}/${FAKE_AZURE.tenantId}/oauth2/v2.0/token`,
        authorization_endpoint: expect.any(String),
        issuer: expect.any(String),
        jwks_uri: expect.any(String),
      })
    })

    it('issues a JWT for the scope resource to the right secret only', async () => {
      const token = await aadToken(fake)
      expect(fake.decodeToken(token)).toMatchObject({ aud: 'https://management.azure.com' })
      const wrong = await requestAadToken(fake, 'x/.default', 'nope')
      expect(wrong.status).toBe(401)
      expect(wrong.body).toMatchObject({ error: 'invalid_client' })
    })

    it('refuses a client-credentials scope that is not one resource with /.default', async () => {
      for (const scope of [
        'https://containerregistry.azure.net',
        'https://containerregistry.azure.net/repository.read',
        'https://management.azure.com/.default https://containerregistry.azure.net/.default',
        '',
      ]) {
        const answer = await requestAadToken(fake, scope)
        expect(answer.status, scope).toBe(400)
        expect(answer.body, scope).toMatchObject({ error: 'invalid_scope' })
      }
      const resource = await requestAadToken(fake, 'https://containerregistry.azure.net/.default')
      expect(resource.status).toBe(200)
    })
  })

  describe('ARM', () => {
    it('refuses requests without a token, with a token for another audience, or without api-version', async () => {
      expect((await call(fake, 'GET', `${REGISTRY}?${API}`)).status).toBe(401)
      const other = {
        authorization: `Bearer ${await aadToken(fake, 'https://storage.azure.com/.default')}`,
      }
      const wrongAudience = await call(fake, 'GET', `${REGISTRY}?${API}`, { headers: other })
      expect(wrongAudience.body).toMatchObject({
        error: { code: 'InvalidAuthenticationTokenAudience' },
      })
      expect((await call(fake, 'GET', REGISTRY, { headers: bearer })).status).toBe(400)
      const ok = await call(fake, 'GET', `${REGISTRY}?${API}`, { headers: bearer })
      // ARM names the host that serves the registry: in the fake, its own port.
      expect(ok.body).toMatchObject({ properties: { loginServer: fake.loginServer } })
    })

    it('validates scope-map names and actions, and needs the parent registry', async () => {
      const put = (name: string, actions: unknown, registry = REGISTRY) =>
        call(fake, 'PUT', `${registry}/scopeMaps/${name}?${API}`, {
          headers: { ...bearer, 'content-type': 'application/json' },
          body: JSON.stringify({ properties: { actions } }),
        })
      expect((await put('abc', ['repositories/a/content/read'])).status).toBe(400)
      expect((await put('valid-name', ['repositories/a/content/own'])).status).toBe(400)
      const orphan = await put(
        'valid-name',
        ['repositories/a/content/read'],
        REGISTRY.replace(/registries\/.*/, 'registries/missing1'),
      )
      expect(orphan.body).toMatchObject({ error: { code: 'ParentResourceNotFound' } })
    })

    it('runs an Azure-AsyncOperation create: in progress, then succeeded, then the resource', async () => {
      const created = await call(fake, 'PUT', `${REGISTRY}/scopeMaps/async-map?${API}`, {
        headers: { ...bearer, 'content-type': 'application/json' },
        body: JSON.stringify({ properties: { actions: ['repositories/app/content/read'] } }),
      })
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({ properties: { provisioningState: 'Creating' } })
      const status = new URL(String(created.headers['azure-asyncoperation']))
      const poll = () => call(fake, 'GET', status.pathname + status.search, { headers: bearer })
      expect((await poll()).body).toMatchObject({ status: 'InProgress' })
      expect((await poll()).body).toMatchObject({ status: 'Succeeded' })
      const got = await call(fake, 'GET', `${REGISTRY}/scopeMaps/async-map?${API}`, {
        headers: bearer,
      })
      expect((got.body as { properties: unknown }).properties).toMatchObject({
        provisioningState: 'Succeeded',
        actions: ['repositories/app/content/read'],
      })
    })

    it('runs a Location-style delete: 202 until done, then 204', async () => {
      fake.lroStyle = 'immediate'
      await call(fake, 'PUT', `${REGISTRY}/scopeMaps/location-map?${API}`, {
        headers: { ...bearer, 'content-type': 'application/json' },
        body: JSON.stringify({ properties: { actions: ['repositories/app/content/read'] } }),
      })
      fake.lroStyle = 'location'
      const deleted = await call(fake, 'DELETE', `${REGISTRY}/scopeMaps/location-map?${API}`, {
        headers: bearer,
      })
      expect(deleted.status).toBe(202)
      const location = new URL(String(deleted.headers.location))
      const poll = () => call(fake, 'GET', location.pathname + location.search, { headers: bearer })
      expect((await poll()).status).toBe(202)
      expect((await poll()).status).toBe(204)
      expect(fake.getScopeMaps().map((m) => m.name)).not.toContain('location-map')
    })

    it('creates and deletes registries as long-running operations', async () => {
      fake.lroStyle = 'location'
      fake.pollsBeforeDone = 0
      const path = REGISTRY.replace(/registries\/.*/, 'registries/second1')
      const created = await call(fake, 'PUT', `${path}?${API}`, {
        headers: { ...bearer, 'content-type': 'application/json' },
        body: JSON.stringify({ location: 'westeurope', sku: { name: 'Basic' } }),
      })
      expect(created.status).toBe(202)
      const poll = new URL(String(created.headers.location))
      const done = await call(fake, 'GET', poll.pathname + poll.search, { headers: bearer })
      expect(done.body).toMatchObject({
        sku: { name: 'Basic' },
        properties: { provisioningState: 'Succeeded' },
      })
      fake.lroStyle = 'immediate'
      expect((await call(fake, 'DELETE', `${path}?${API}`, { headers: bearer })).status).toBe(200)
      expect((await call(fake, 'GET', `${path}?${API}`, { headers: bearer })).status).toBe(404)
    })

    it('fails the next operation on request, and removes what it half created', async () => {
      fake.inject('scopeMaps.create', {
        operationFailure: { code: 'InternalServerError', message: 'broke' },
      })
      const created = await call(fake, 'PUT', `${REGISTRY}/scopeMaps/failing-map?${API}`, {
        headers: { ...bearer, 'content-type': 'application/json' },
        body: JSON.stringify({ properties: { actions: ['repositories/app/content/read'] } }),
      })
      const status = new URL(String(created.headers['azure-asyncoperation']))
      await call(fake, 'GET', status.pathname + status.search, { headers: bearer })
      const done = await call(fake, 'GET', status.pathname + status.search, { headers: bearer })
      expect(done.body).toMatchObject({ status: 'Failed', error: { code: 'InternalServerError' } })
      expect(fake.getScopeMaps().map((m) => m.name)).not.toContain('failing-map')
    })
  })

  describe('ACR data plane', () => {
    // An ARM-audience Entra token, which ACR accepts unless a policy turns that off.
    const refreshToken = async () =>
      text(await exchange(fake, 'https://management.azure.com/.default'), 'refresh_token')
    const accessToken = async (scope: string, refresh?: string) =>
      requestAccessToken(fake, scope, refresh ?? (await refreshToken()))

    it('exchanges only tokens it issued, for its own service', async () => {
      const forged = await call(
        fake,
        'POST',
        '/oauth2/exchange',
        form({
          grant_type: 'access_token',
          service: fake.loginServer,
          access_token: 'eyJ.forged.token',
        }),
      )
      expect(forged.status).toBe(401)
      expect(forged.body).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] })
      const otherService = await call(
        fake,
        'POST',
        '/oauth2/exchange',
        form({
          grant_type: 'access_token',
          service: 'other.azurecr.io',
          access_token: await aadToken(fake),
        }),
      )
      expect(otherService.status).toBe(401)
      expect(fake.decodeToken(await refreshToken())?.exp).toBeGreaterThan(Date.now() / 1000)
    })

    it("grants the asked repository actions (reading metadata with a pull), for Microsoft's example 75 minutes", async () => {
      const answer = await accessToken('repository:team/app:pull,push')
      const claims = fake.decodeToken(text(answer, 'access_token'))
      expect(claims?.access).toEqual([
        { type: 'repository', name: 'team/app', actions: ['pull', 'push', 'metadata_read'] },
      ])
      const lifetime = (claims?.exp ?? 0) - fake.now() / 1000
      expect(lifetime).toBeGreaterThan(4490)
      expect(lifetime).toBeLessThanOrEqual(4500)
      expect((await accessToken('registry:other:*')).status).toBe(400)
      // Listing the catalog is for whoever may pull (a registry without ABAC permissions).
      const catalog = fake.decodeToken(
        text(await accessToken('registry:catalog:*'), 'access_token'),
      )
      expect(catalog?.access).toEqual([{ type: 'registry', name: 'catalog', actions: ['*'] }])
    })

    it('deletes a repository and its images only with a delete grant on it', async () => {
      const digest = await fake.seedImage('team/app', 'v1')
      const refresh = await refreshToken()
      const pullOnly = text(await accessToken('repository:team/app:pull', refresh), 'access_token')
      const refused = await call(fake, 'DELETE', '/acr/v1/team/app', {
        headers: { authorization: `Bearer ${pullOnly}` },
      })
      expect(refused.status).toBe(401)
      expect(refused.headers['www-authenticate']).toContain('scope="repository:team/app:delete"')
      const deleter = text(await accessToken('repository:team/app:delete', refresh), 'access_token')
      const deleted = await call(fake, 'DELETE', '/acr/v1/team/app', {
        headers: { authorization: `Bearer ${deleter}` },
      })
      expect(deleted.status).toBe(202)
      expect(deleted.body).toEqual({ manifestsDeleted: [digest], tagsDeleted: ['v1'] })
      expect(await fake.getRepositoryContent('team/app')).toBeUndefined()
      const again = await call(fake, 'DELETE', '/acr/v1/team/app', {
        headers: { authorization: `Bearer ${deleter}` },
      })
      expect(again.body).toMatchObject({ errors: [{ code: 'NAME_UNKNOWN' }] })
    })

    it('drops actions the identity is not allowed, as ACR does', async () => {
      await using restricted = await startAzureFake({
        identities: [{ ...FAKE_AZURE, registryActions: ['pull'] }],
      })
      const aad = await aadToken(restricted)
      const exchange = await call(
        restricted,
        'POST',
        '/oauth2/exchange',
        form({ grant_type: 'access_token', service: restricted.loginServer, access_token: aad }),
      )
      const token = await call(
        restricted,
        'POST',
        '/oauth2/token',
        form({
          grant_type: 'refresh_token',
          service: restricted.loginServer,
          scope: 'repository:app:pull,push,delete',
          refresh_token: text(exchange, 'refresh_token'),
        }),
      )
      expect(restricted.decodeToken(text(token, 'access_token'))?.access).toEqual([
        { type: 'repository', name: 'app', actions: ['pull', 'metadata_read'] },
      ])
    })

    it('injects throttling with Retry-After in the ACR error shape', async () => {
      fake.inject('acr.token', 'throttling', { retryAfterSeconds: 3 })
      const answer = await accessToken('repository:app:pull')
      expect(answer.status).toBe(429)
      expect(answer.headers['retry-after']).toBe('3')
      expect(answer.body).toMatchObject({ errors: [{ code: 'TOOMANYREQUESTS' }] })
      expect(fake.requestsFor('acr.token')).toHaveLength(1)
    })
  })

  describe('faults', () => {
    const getScopeMap = () =>
      call(fake, 'GET', `${REGISTRY}/scopeMaps/any-map?${API}`, { headers: bearer })
    const acrToken = () => call(fake, 'POST', '/oauth2/token', form({}))
    const entraToken = () =>
      call(fake, 'POST', `/${FAKE_AZURE.tenantId}/oauth2/v2.0/token`, form({}))

    it.each<[FaultKind, number, string, string | undefined]>([
      ['throttling', 429, 'TooManyRequests', 'TOOMANYREQUESTS'],
      ['server-error', 500, 'InternalServerError', 'UNKNOWN'],
      ['unavailable', 503, 'ServiceUnavailable', 'UNAVAILABLE'],
      ['access-denied', 403, 'AuthorizationFailed', 'DENIED'],
      ['unauthenticated', 401, 'InvalidAuthenticationToken', 'UNAUTHORIZED'],
      ['conflict', 409, 'Conflict', undefined],
    ])('%s: HTTP %i, ARM %s, ACR %s', async (kind, status, armCode, acrCode) => {
      fake.inject('scopeMaps.get', kind)
      expect(await getScopeMap()).toMatchObject({ status, body: { error: { code: armCode } } })
      if (acrCode === undefined) {
        expect(() => fake.inject('acr.token', kind)).toThrow(
          new TypeError(
            `[azure-fake] the ACR data plane (acr.token) has no "${kind}" fault: inject a response instead`,
          ),
        )
        return
      }
      fake.inject('acr.token', kind)
      expect(await acrToken()).toMatchObject({ status, body: { errors: [{ code: acrCode }] } })
    })

    it('answers Entra ID faults in its OAuth error shape', async () => {
      fake.inject('entra.token', 'unauthenticated')
      fake.inject('entra.token', 'throttling', { retryAfterSeconds: 5 })
      expect(await entraToken()).toMatchObject({ status: 401, body: { error: 'invalid_client' } })
      const throttled = await entraToken()
      expect(throttled).toMatchObject({ status: 429, body: { error: 'temporarily_unavailable' } })
      expect(throttled.headers['retry-after']).toBe('5')
      expect(() => fake.inject('entra.token', 'conflict')).toThrow(/^\[azure-fake\] Entra ID/)
    })

    it('fails the next long-running operations that start, as often as asked', async () => {
      fake.lroStyle = 'immediate'
      const failure = { code: 'Conflict', message: 'busy', status: 409 }
      fake.inject('scopeMaps.create', { operationFailure: failure }, { times: 2 })
      const put = (actions: unknown) =>
        call(fake, 'PUT', `${REGISTRY}/scopeMaps/counted-map?${API}`, {
          headers: { ...bearer, 'content-type': 'application/json' },
          body: JSON.stringify({ properties: { actions } }),
        })
      // A PUT refused before any operation starts does not use a failure up.
      expect((await put(['not-an-action'])).status).toBe(400)
      const answers = [
        await put(['repositories/app/content/read']),
        await put(['repositories/app/content/read']),
        await put(['repositories/app/content/read']),
      ]
      expect(answers.map((a) => a.status)).toEqual([409, 409, 201])
      expect(answers[0]?.body).toMatchObject({ error: { code: 'Conflict', message: 'busy' } })
    })

    it('refuses an operationFailure for an operation that is not long-running, or malformed', () => {
      const inject = fake.inject.bind(fake) as (op: string, f: unknown, o?: unknown) => void
      const failure = { code: 'Conflict', message: 'busy' }
      expect(() => inject('scopeMaps.get', { operationFailure: failure })).toThrow(
        new TypeError(
          '[azure-fake] an operationFailure needs a long-running operation (scopeMaps.create, scopeMaps.update, scopeMaps.delete, tokens.create, tokens.delete, registries.create, registries.update, registries.delete, registries.generateCredentials), not scopeMaps.get',
        ),
      )
      expect(() => inject('scopeMaps.create', { operationFailure: { code: 409 } })).toThrow(
        /^\[azure-fake\] an operationFailure is \{ code: string, message: string/,
      )
      expect(() =>
        inject('scopeMaps.create', { operationFailure: failure }, { retryAfterSeconds: 1 }),
      ).toThrow(TypeError)
    })

    it('reset forgets faults and pending operation failures, and keeps resources', async () => {
      fake.lroStyle = 'immediate'
      const put = () =>
        call(fake, 'PUT', `${REGISTRY}/scopeMaps/kept-map?${API}`, {
          headers: { ...bearer, 'content-type': 'application/json' },
          body: JSON.stringify({ properties: { actions: ['repositories/app/content/read'] } }),
        })
      expect((await put()).status).toBe(201)
      await fake.seedImage('kept/app')
      fake.inject('scopeMaps.get', 'unavailable')
      fake.inject('scopeMaps.create', { operationFailure: { code: 'Conflict', message: 'x' } })
      fake.reset()
      expect(fake.requests).toHaveLength(0)
      expect((await getScopeMap()).status).toBe(404)
      expect((await put()).status).toBe(200)
      expect(fake.getScopeMaps().map((m) => m.name)).toContain('kept-map')
      expect((await fake.getRepositoryContent('kept/app'))?.tags).toEqual(['latest'])
    })
  })
})

describe('Azure fake: providerOptions', () => {
  it('gives azure() the first registry, the data plane, ARM, the test CA and a credential of the fake', async () => {
    await using fake = await startAzureFake()
    const options = fake.providerOptions()
    expect(options).toMatchObject({
      subscriptionId: FAKE_AZURE.subscriptionId,
      resourceGroup: FAKE_AZURE.resourceGroup,
      registryName: FAKE_AZURE.registryName,
      loginServer: fake.loginServer,
      trustedCa: TEST_TLS_CERT,
      clientOptions: { endpoint: fake.url },
    })
    const token = await options.credential.getToken('https://management.azure.com/.default')
    expect(fake.decodeToken(token?.token ?? '')).toMatchObject({
      appid: FAKE_AZURE.clientId,
      tid: FAKE_AZURE.tenantId,
    })
    expect(fake.requestsFor('entra.token')).toHaveLength(1)
  })

  it('signs in as the first identity and points at the registry asked for', async () => {
    const identity = { tenantId: 'tenant-b', clientId: 'client-b', clientSecret: 'secret-b' }
    await using fake = await startAzureFake({
      registries: [{ name: 'firstregistry' }, { name: 'secondregistry', resourceGroup: 'rg-b' }],
      identities: [identity],
    })
    expect(fake.providerOptions().registryName).toBe('firstregistry')
    const second = fake.providerOptions('SecondRegistry')
    expect(second).toMatchObject({ registryName: 'secondregistry', resourceGroup: 'rg-b' })
    const token = await second.credential.getToken('https://management.azure.com/.default')
    expect(fake.decodeToken(token?.token ?? '')).toMatchObject({
      appid: 'client-b',
      tid: 'tenant-b',
    })
    expect(() => fake.providerOptions('missing')).toThrow(
      new TypeError(
        '[azure-fake] no registry named missing: seed it with seedRegistry() or the registries option',
      ),
    )
    const seeded = await fake.seedRegistry({ name: 'seededregistry', resourceGroup: 'rg-c' })
    expect(seeded).toMatchObject({ name: 'seededregistry', provisioningState: 'Succeeded' })
    expect(fake.providerOptions('seededregistry')).toMatchObject({
      registryName: 'seededregistry',
      resourceGroup: 'rg-c',
      subscriptionId: FAKE_AZURE.subscriptionId,
    })
  })
})

// Each region below is a block of packages/testing/README.md, word for word.
describe('Azure fake: the README', () => {
  it('starts', async () => {
    // #region testing-readme-azure-start
    await using fake = await startAzureFake({
      registries: [{ name: 'acmeregistry', sku: 'Premium' }],
      lroStyle: 'location', // or 'azure-async-operation' (the default) or 'immediate'
    })
    // fake.url: Entra ID, ARM and the ACR data plane, https://127.0.0.1:<port>; trust fake.ca
    // #endregion
    expect(fake.ca).toBe(TEST_TLS_CERT)
    expect(fake.providerOptions()).toMatchObject({ registryName: 'acmeregistry' })
  })

  it('seeds and reads state', async () => {
    await using fake = await startAzureFake()
    // #region testing-readme-azure-seeding
    await fake.seedRegistry({ name: 'otherregistry', resourceGroup: 'rg-other', sku: 'Basic' })
    await fake.seedImage('team-a/app', 'v1') // an image in the data plane, as a push would
    const maps = fake.getScopeMaps() // every scope map, with its actions and provisioningState
    const images = await fake.getRepositoryContent('team-a/app') // { tags, manifests }
    // fake.getRepositories(); fake.state: registries, scope maps and issued tokens
    // #endregion
    expect(maps).toEqual([])
    expect(fake.providerOptions('otherregistry')).toMatchObject({ resourceGroup: 'rg-other' })
    expect(images?.tags).toEqual(['v1'])
    expect(await fake.getRepositories()).toEqual(['team-a/app'])
  })

  it('injects faults', async () => {
    await using fake = await startAzureFake({ lroStyle: 'immediate' })
    // #region testing-readme-azure-faults
    fake.inject('scopeMaps.get', 'throttling', { times: 2, retryAfterSeconds: 7 }) // ARM 429s
    fake.inject('acr.token', 'access-denied') // the data plane's 403 DENIED
    fake.inject('acr.exchange', acrError(401, 'UNAUTHORIZED', 'the AAD token has expired'))
    fake.inject('scopeMaps.create', {
      // the operation starts, then fails: the scope map is not left behind
      operationFailure: { code: 'Conflict', message: 'Another operation is in progress' },
    })
    // #endregion
    const bearer = { authorization: `Bearer ${await aadToken(fake)}` }
    const scopeMap = `${REGISTRY}/scopeMaps/readme-map?${API}`
    const read = await call(fake, 'GET', scopeMap, { headers: bearer })
    expect(read).toMatchObject({ status: 429, headers: { 'retry-after': '7' } })
    expect((await call(fake, 'GET', scopeMap, { headers: bearer })).status).toBe(429)
    const token = await call(fake, 'POST', '/oauth2/token', form({}))
    expect(token.body).toMatchObject({ errors: [{ code: 'DENIED' }] })
    const exchange = await call(fake, 'POST', '/oauth2/exchange', form({}))
    expect(exchange.body).toMatchObject({ errors: [{ message: 'the AAD token has expired' }] })
    const created = await call(fake, 'PUT', scopeMap, {
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { actions: ['repositories/app/content/read'] } }),
    })
    expect(created).toMatchObject({ status: 500, body: { error: { code: 'Conflict' } } })
    expect(fake.getScopeMaps()).toEqual([])
  })

  it('logs requests', async () => {
    await using fake = await startAzureFake()
    await aadToken(fake)
    await call(fake, 'GET', '/v2/')
    // #region testing-readme-azure-requests
    const operations = fake.requests.map((r) => r.operation) // entra.token, acr.v2, …
    const tokenRequests = fake.requestsFor('entra.token')
    // fake.decodeToken(token): the claims of a token the fake issued
    // #endregion
    expect(operations).toEqual(['entra.token', 'acr.v2'])
    expect(tokenRequests).toHaveLength(1)
  })

  it('resets and closes', async () => {
    const fake = await startAzureFake()
    await fake.seedImage('team-a/app')
    fake.inject('scopeMaps.get', 'unavailable')
    // #region testing-readme-azure-reset
    fake.reset() // forgets the request log and injected faults (operation failures too)
    // registries, scope maps, images and issued tokens stay (credentials cache tokens)
    const kept = await fake.getRepositories()
    await fake.close() // or start it with `await using`
    // #endregion
    expect(fake.requests).toHaveLength(0)
    expect(kept).toEqual(['team-a/app'])
    await expect(call(fake, 'GET', '/v2/')).rejects.toThrow()
  })
})
