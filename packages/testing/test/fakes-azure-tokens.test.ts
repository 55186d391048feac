import { request } from 'node:https'
import {
  ACR_RESOURCE_QUOTAS,
  type AzureFake,
  FAKE_AZURE,
  type FakeScopeMap,
  type FakeToken,
  startAzureFake,
} from '@artifact-registry/testing/fakes/azure'
import { afterEach, describe, expect, it, vi } from 'vitest'

// ARM's registries/tokens and generateCredentials, the per-SKU quotas of scope maps and tokens,
// and token passwords at /oauth2/token, as wire-level requests to the fake.

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Record<string, unknown>
}

const REGISTRY = `/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/${FAKE_AZURE.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${FAKE_AZURE.registryName}`
const REGISTRY_KEY =
  `${FAKE_AZURE.subscriptionId}/${FAKE_AZURE.resourceGroup}/${FAKE_AZURE.registryName}`.toLowerCase()
const API = 'api-version=2025-11-01'

let fake: AzureFake
afterEach(() => fake?.close())

/** One HTTPS request to the fake, trusting its certificate; a JSON answer. */
function send(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { headers, body } = options
    const req = request(new URL(path, fake.url), { method, headers, ca: fake.ca }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        const json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>)
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: json })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** `Authorization` of an ARM request: a management-audience token of the fake's identity. */
async function armAuthorization(): Promise<Record<string, string>> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: FAKE_AZURE.clientId,
    client_secret: FAKE_AZURE.clientSecret,
    scope: 'https://management.azure.com/.default',
  })
  const answer = await send('POST', `/${FAKE_AZURE.tenantId}/oauth2/v2.0/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  })
  return { authorization: `Bearer ${String(answer.body.access_token)}` }
}

/** An ARM request under the default registry, as the fake's own identity. */
async function arm(method: string, path: string, json?: unknown): Promise<Answer> {
  const headers = { ...(await armAuthorization()), 'content-type': 'application/json' }
  const body = json === undefined ? undefined : JSON.stringify(json)
  return send(method, `${REGISTRY}${path}?${API}`, { headers, body })
}

/** `/oauth2/token` with Basic credentials, as docker and skopeo ask after the Bearer challenge. */
function tokenWithBasic(username: string, password: string, scope: string): Promise<Answer> {
  const query = new URLSearchParams({ service: fake.loginServer, scope })
  const basic = Buffer.from(`${username}:${password}`).toString('base64')
  return send('GET', `/oauth2/token?${query}`, { headers: { authorization: `Basic ${basic}` } })
}

function accessOf(answer: Answer): unknown {
  expect(answer.status).toBe(200)
  return fake.decodeToken(String(answer.body.access_token))?.access
}

function scopeMapBody(repository: string, actions: string[]) {
  return { properties: { actions: actions.map((a) => `repositories/${repository}/${a}`) } }
}

async function createScopeMap(name: string, repository: string, actions: string[]) {
  const answer = await arm('PUT', `/scopeMaps/${name}`, scopeMapBody(repository, actions))
  expect(answer.status).toBe(201)
  return String(answer.body.id)
}

async function createToken(name: string, scopeMapId: string, status = 'enabled') {
  return arm('PUT', `/tokens/${name}`, { properties: { scopeMapId, status } })
}

async function generatePassword(tokenId: string, name: string, expiry?: Date) {
  const answer = await arm('POST', '/generateCredentials', {
    tokenId,
    name,
    expiry: expiry?.toISOString(),
  })
  expect(answer.status).toBe(200)
  const passwords = answer.body.passwords as { name: string; value: string; expiry?: string }[]
  return { username: answer.body.username, ...passwords.find((p) => p.name === name) }
}

describe('Azure fake: ARM tokens', () => {
  it('creates, reads, lists and deletes a token bound to a scope map of the registry', async () => {
    fake = await startAzureFake({ lroStyle: 'immediate' })
    const mapId = await createScopeMap('web-app', 'web-app', ['content/read'])
    const created = await createToken('web-app--pull', mapId)
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      id: `${REGISTRY}/tokens/web-app--pull`,
      name: 'web-app--pull',
      type: 'Microsoft.ContainerRegistry/registries/tokens',
      properties: {
        scopeMapId: mapId,
        status: 'enabled',
        provisioningState: 'Succeeded',
        credentials: { passwords: [] },
      },
    })
    expect((await arm('GET', '/tokens/WEB-APP--PULL')).body).toEqual(created.body)
    expect((await arm('GET', '/tokens')).body).toEqual({ value: [created.body] })
    expect((await arm('DELETE', '/tokens/web-app--pull')).status).toBe(200)
    expect((await arm('GET', '/tokens/web-app--pull')).status).toBe(404)
    expect((await arm('DELETE', '/tokens/web-app--pull')).status).toBe(204)
  })

  it('refuses a bad token name, a scope map it does not hold, and an unknown status', async () => {
    fake = await startAzureFake({ lroStyle: 'immediate' })
    const mapId = await createScopeMap('web-app', 'web-app', ['content/read'])
    const refusals = [
      await createToken('a_b', mapId),
      await createToken('web-app--pull', `${mapId}-gone`),
      await createToken('web-app--pull', mapId.replace(FAKE_AZURE.registryName, 'otherreg')),
      await createToken('web-app--pull', mapId, 'paused'),
    ]
    expect(refusals.map((r) => [r.status, (r.body.error as { code: string }).code])).toEqual([
      [400, 'InvalidResourceName'],
      [400, 'InvalidScopeMapId'],
      [400, 'InvalidScopeMapId'],
      [400, 'InvalidTokenStatus'],
    ])
    expect(fake.getTokens()).toEqual([])
  })

  it('generates a password per slot with the expiry asked, shown once, and lists its expiry only', async () => {
    fake = await startAzureFake({ lroStyle: 'immediate' })
    const mapId = await createScopeMap('web-app', 'web-app', ['content/read'])
    const tokenId = String((await createToken('web-app--pull', mapId)).body.id)
    const expiry = new Date(fake.now() + 600_000)
    const first = await generatePassword(tokenId, 'password1', expiry)
    expect(first).toMatchObject({ username: 'web-app--pull', expiry: expiry.toISOString() })
    expect(first.value?.length).toBeGreaterThan(20)
    const second = await generatePassword(tokenId, 'password2')
    expect(second.expiry).toBeUndefined()
    const listed = (await arm('GET', '/tokens/web-app--pull')).body.properties as {
      credentials: { passwords: Record<string, unknown>[] }
    }
    expect(listed.credentials.passwords).toEqual([
      { name: 'password1', creationTime: expect.any(String), expiry: expiry.toISOString() },
      { name: 'password2', creationTime: expect.any(String) },
    ])
    const again = await generatePassword(tokenId, 'password1', expiry)
    expect(again.value).not.toBe(first.value)
    expect(
      fake
        .getTokens()[0]
        ?.passwords.map((p) => p.value)
        .sort(),
    ).toEqual([again.value, second.value].sort())
  })

  it('refuses generateCredentials for a token it does not hold, a bad slot or expiry', async () => {
    fake = await startAzureFake({ lroStyle: 'immediate' })
    const mapId = await createScopeMap('web-app', 'web-app', ['content/read'])
    const tokenId = String((await createToken('web-app--pull', mapId)).body.id)
    const answers = [
      await arm('POST', '/generateCredentials', { tokenId: `${tokenId}x`, name: 'password1' }),
      await arm('POST', '/generateCredentials', { tokenId, name: 'password3' }),
      await arm('POST', '/generateCredentials', { tokenId, name: 'password1', expiry: 'soon' }),
    ]
    expect(answers.map((a) => a.status)).toEqual([404, 400, 400])
    expect(fake.getTokens()[0]?.passwords).toEqual([])
  })

  it('answers generateCredentials as a long-running POST: status, then the result at Location', async () => {
    fake = await startAzureFake({ lroStyle: 'immediate' })
    const mapId = await createScopeMap('web-app', 'web-app', ['content/read'])
    const tokenId = String((await createToken('web-app--pull', mapId)).body.id)
    fake.lroStyle = 'azure-async-operation'
    fake.pollsBeforeDone = 1
    const started = await arm('POST', '/generateCredentials', { tokenId, name: 'password1' })
    expect(started.status).toBe(202)
    const poll = async (header: unknown) => {
      const url = new URL(String(header))
      return send('GET', `${url.pathname}${url.search}`, { headers: await armAuthorization() })
    }
    expect((await poll(started.headers['azure-asyncoperation'])).body.status).toBe('InProgress')
    expect(fake.getTokens()[0]?.passwords).toEqual([])
    expect((await poll(started.headers['azure-asyncoperation'])).body.status).toBe('Succeeded')
    const result = await poll(started.headers.location)
    expect(result.status).toBe(200)
    expect(result.body).toMatchObject({
      username: 'web-app--pull',
      passwords: [{ name: 'password1' }],
    })
    expect(fake.getTokens()[0]?.passwords.map((p) => p.value)).toEqual([
      (result.body.passwords as { value: string }[])[0]?.value,
    ])
  })

  it('fails a token create or a password generation on request, leaving nothing changed', async () => {
    fake = await startAzureFake({ lroStyle: 'immediate' })
    const mapId = await createScopeMap('web-app', 'web-app', ['content/read'])
    const operationFailure = { code: 'InternalServerError', message: 'boom' }
    fake.inject('tokens.create', { operationFailure })
    expect((await createToken('web-app--pull', mapId)).status).toBe(500)
    expect(fake.getTokens()).toEqual([])
    const tokenId = String((await createToken('web-app--pull', mapId)).body.id)
    fake.inject('registries.generateCredentials', { operationFailure })
    const failed = await arm('POST', '/generateCredentials', { tokenId, name: 'password1' })
    expect(failed.status).toBe(500)
    expect(fake.getTokens()[0]?.passwords).toEqual([])
  })

  it('deletes the tokens of a registry with it', async () => {
    fake = await startAzureFake({ lroStyle: 'immediate' })
    const mapId = await createScopeMap('web-app', 'web-app', ['content/read'])
    await createToken('web-app--pull', mapId)
    expect((await arm('DELETE', '')).status).toBe(200)
    expect(fake.getTokens()).toEqual([])
  })
})

describe('Azure fake: quotas of scope maps and tokens', () => {
  /** Fill the default registry with `count` scope maps (and tokens bound to the first). */
  function fill(resource: 'scopeMaps' | 'tokens', count: number): void {
    for (let i = 0; i < count; i++) {
      const name = `seeded-${i}`
      const common = {
        id: `${REGISTRY}/${resource}/${name}`,
        name,
        registryKey: REGISTRY_KEY,
        creationDate: new Date(),
        provisioningState: 'Succeeded',
      }
      if (resource === 'scopeMaps') {
        const map: FakeScopeMap = {
          ...common,
          description: undefined,
          actions: [`repositories/${name}/content/read`],
        }
        fake.state.scopeMaps.set(`${REGISTRY_KEY}/${name}`, map)
      } else {
        const token: FakeToken = {
          ...common,
          scopeMapId: `${REGISTRY}/scopeMaps/seeded-0`,
          status: 'enabled',
          passwords: [],
        }
        fake.state.tokens.set(`${REGISTRY_KEY}/${name}`, token)
      }
    }
  }

  it('states ACR’s quotas: Basic 100, Standard 500, Premium 50,000', () => {
    expect(ACR_RESOURCE_QUOTAS).toEqual({ Basic: 100, Standard: 500, Premium: 50_000 })
  })

  it.each([
    ['Basic', 100],
    ['Standard', 500],
  ] as const)(
    'refuses the scope map past the %s quota (%i) with QuotaExceeded, and takes updates',
    async (sku, quota) => {
      fake = await startAzureFake({
        lroStyle: 'immediate',
        registries: [{ name: FAKE_AZURE.registryName, sku }],
      })
      fill('scopeMaps', quota - 1)
      await createScopeMap('last-one', 'last-one', ['content/read'])
      const refused = await arm(
        'PUT',
        '/scopeMaps/one-more',
        scopeMapBody('one-more', ['content/read']),
      )
      expect(refused.status).toBe(400)
      expect(refused.body.error).toEqual({
        code: 'QuotaExceeded',
        message: expect.stringContaining(
          `Quota exceeded for resource type scopeMaps for the registry SKU ${sku}`,
        ),
      })
      expect(fake.getScopeMaps()).toHaveLength(quota)
      // An update of one it holds is no new scope map; a delete makes room.
      expect(
        (await arm('PUT', '/scopeMaps/last-one', scopeMapBody('last-one', ['content/write'])))
          .status,
      ).toBe(200)
      await arm('DELETE', '/scopeMaps/last-one')
      await createScopeMap('one-more', 'one-more', ['content/read'])
    },
  )

  it('counts tokens on their own quota, and takes a raised one', async () => {
    fake = await startAzureFake({
      lroStyle: 'immediate',
      registries: [{ name: FAKE_AZURE.registryName, sku: 'Basic' }],
      resourceQuotas: { Basic: 3 },
    })
    const mapId = await createScopeMap('web-app', 'web-app', ['content/read'])
    fill('tokens', 2)
    expect((await createToken('web-app--pull', mapId)).status).toBe(201)
    const refused = await createToken('web-app--push', mapId)
    expect(refused.status).toBe(400)
    expect(refused.body.error).toMatchObject({
      code: 'QuotaExceeded',
      message: expect.stringContaining('resource type tokens for the registry SKU Basic'),
    })
    // Scope maps have their own count: one is held, the quota of 3 leaves room.
    await createScopeMap('second', 'second', ['content/read'])
  })
})

describe('Azure fake: token passwords at /oauth2/token', () => {
  async function tokenWithPassword(actions: string[], expiresInMs = 600_000) {
    fake = await startAzureFake({ lroStyle: 'immediate' })
    const mapId = await createScopeMap('web-app', 'web-app', actions)
    const tokenId = String((await createToken('web-app--push', mapId)).body.id)
    const expiry = new Date(fake.now() + expiresInMs)
    const { value } = await generatePassword(tokenId, 'password1', expiry)
    return { tokenId, password: String(value), expiry }
  }

  it('grants what the token’s scope map allows, for no longer than the password', async () => {
    const { password, expiry } = await tokenWithPassword(['content/read', 'content/write'])
    const answer = await tokenWithBasic(
      'web-app--push',
      password,
      'repository:web-app:pull,push,delete',
    )
    expect(accessOf(answer)).toEqual([
      { type: 'repository', name: 'web-app', actions: ['pull', 'push'] },
    ])
    const other = await tokenWithBasic('web-app--push', password, 'repository:other:pull')
    expect(accessOf(other)).toEqual([{ type: 'repository', name: 'other', actions: [] }])
    const exp = fake.decodeToken(String(answer.body.access_token))?.exp
    expect(exp).toBeLessThanOrEqual(Math.floor(expiry.getTime() / 1000))
  })

  it('grants metadata_read and metadata_write only on metadata/read and metadata/write, and metadata_read with a pull', async () => {
    const { password } = await tokenWithPassword(['content/read', 'metadata/read'])
    const asked = 'repository:web-app:metadata_read,metadata_write'
    expect(accessOf(await tokenWithBasic('web-app--push', password, asked))).toEqual([
      { type: 'repository', name: 'web-app', actions: ['metadata_read'] },
    ])
    // docker and skopeo ask only `pull` before they list tags.
    const pulled = await tokenWithBasic('web-app--push', password, 'repository:web-app:pull')
    expect(accessOf(pulled)).toEqual([
      { type: 'repository', name: 'web-app', actions: ['pull', 'metadata_read'] },
    ])
    const writer = await tokenWithPassword(['content/read', 'metadata/write'])
    expect(accessOf(await tokenWithBasic('web-app--push', writer.password, asked))).toEqual([
      { type: 'repository', name: 'web-app', actions: ['metadata_write'] },
    ])
  })

  it('lists tags on the OCI API only for a scope map with metadata/read, which pulling does not need', async () => {
    const listTags = async (actions: string[]) => {
      const { password } = await tokenWithPassword(actions)
      await fake.seedImage('web-app', 'v1')
      const answer = await tokenWithBasic('web-app--push', password, 'repository:web-app:pull')
      const authorization = `Bearer ${String(answer.body.access_token)}`
      const manifest = await send('GET', '/v2/web-app/manifests/v1', {
        headers: { authorization, accept: 'application/vnd.oci.image.manifest.v1+json' },
      })
      expect(manifest.status).toBe(200)
      return send('GET', '/v2/web-app/tags/list', { headers: { authorization } })
    }
    const listed = await listTags(['content/read', 'metadata/read'])
    expect(listed).toMatchObject({ status: 200, body: { name: 'web-app', tags: ['v1'] } })
    const refused = await listTags(['content/read'])
    expect(refused.status).toBe(401)
    expect(refused.headers['www-authenticate']).toContain(
      'scope="repository:web-app:metadata_read",error="insufficient_scope"',
    )
  })

  it('refuses a password from the very second of its expiry, and an access token with it', async () => {
    // Only Date is frozen, so the fake's clock can stand exactly on the expiry; timers keep running.
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      fake = await startAzureFake({ lroStyle: 'immediate' })
      const mapId = await createScopeMap('web-app', 'web-app', ['content/read'])
      const tokenId = String((await createToken('web-app--push', mapId)).body.id)
      // A whole second: ACR's tokens count their expiry in seconds.
      const expiry = new Date(Math.ceil((fake.now() + 120_000) / 1000) * 1000)
      const { value } = await generatePassword(tokenId, 'password1', expiry)
      const scope = 'repository:web-app:pull'
      const at = (ms: number) => vi.setSystemTime(ms - (fake.now() - Date.now()))
      at(expiry.getTime() - 1)
      const answer = await tokenWithBasic('web-app--push', String(value), scope)
      expect(answer.status).toBe(200)
      const authorization = `Bearer ${String(answer.body.access_token)}`
      await fake.seedImage('web-app', 'v1')
      const pull = () =>
        send('GET', '/v2/web-app/manifests/v1', {
          headers: { authorization, accept: 'application/vnd.oci.image.manifest.v1+json' },
        })
      expect((await pull()).status).toBe(200)
      at(expiry.getTime())
      expect(fake.now()).toBe(expiry.getTime())
      expect((await tokenWithBasic('web-app--push', String(value), scope)).status).toBe(401)
      expect((await pull()).status).toBe(401)
    } finally {
      vi.useRealTimers()
    }
  })

  it('refuses a wrong password, an expired one, and a disabled token', async () => {
    const { tokenId, password } = await tokenWithPassword(['content/read'], 120_000)
    const scope = 'repository:web-app:pull'
    expect((await tokenWithBasic('web-app--push', `${password}x`, scope)).status).toBe(401)
    expect((await tokenWithBasic('web-app--push', password, scope)).status).toBe(200)
    const token = fake.getTokens()[0]
    if (token === undefined) throw new Error('no token')
    token.status = 'disabled'
    expect((await tokenWithBasic('web-app--push', password, scope)).status).toBe(401)
    token.status = 'enabled'
    fake.advanceClock(121)
    expect((await tokenWithBasic('web-app--push', password, scope)).status).toBe(401)
    // A new password works again: the old one stays refused.
    const renewed = await generatePassword(tokenId, 'password1', new Date(fake.now() + 60_000))
    expect((await tokenWithBasic('web-app--push', String(renewed.value), scope)).status).toBe(200)
    expect((await tokenWithBasic('web-app--push', password, scope)).status).toBe(401)
  })
})
