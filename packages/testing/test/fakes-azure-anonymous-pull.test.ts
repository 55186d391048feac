import { type AzureFake, FAKE_AZURE, startAzureFake } from '@artifact-registry/testing/fakes/azure'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  accessToken,
  armJsonHeaders,
  call,
  getManifest,
  pushBlob,
  pushImage,
  text,
} from './azure-wire.js'

// ACR's anonymous pull (`properties.anonymousPullEnabled`, Standard and Premium only) lets anyone
// pull every repository of the registry without credentials. The fake stores the setting as ARM
// does and, while it is on, its `/oauth2/token` answers a request without credentials with `pull`
// (and nothing more) on any repository, as ACR documents it.

const REGISTRY = `/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/${FAKE_AZURE.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${FAKE_AZURE.registryName}`
const API = 'api-version=2025-11-01'

describe('Azure fake: anonymous pull', () => {
  let fake: AzureFake
  let headers: Record<string, string>
  beforeAll(async () => {
    fake = await startAzureFake({ lroStyle: 'immediate' })
    headers = await armJsonHeaders(fake)
  })
  afterAll(() => fake.close())
  beforeEach(() => {
    fake.reset()
    // `reset` keeps the state: each test starts from the registry as it was seeded.
    Object.assign(registry() ?? {}, { sku: 'Standard', anonymousPullEnabled: false })
  })

  const send = (method: string, body: unknown) =>
    call(fake, method, `${REGISTRY}?${API}`, { headers, body: JSON.stringify(body) })
  const registry = () => fake.state.registries.values().next().value
  const anonymousToken = (scope: string) => {
    const query = new URLSearchParams({ service: fake.loginServer, scope })
    return call(fake, 'GET', `/oauth2/token?${query}`)
  }

  it('is off by default: a token request without credentials is 401', async () => {
    expect(registry()?.anonymousPullEnabled).toBe(false)
    expect((await send('GET', undefined)).body).toMatchObject({
      properties: { anonymousPullEnabled: false },
    })
    expect((await anonymousToken('repository:web-app:pull')).status).toBe(401)
  })

  it('once on, anyone pulls any repository without credentials, and may do nothing else', async () => {
    const pusher = await accessToken(fake, 'repository:web-app:pull,push')
    const digest = await pushImage(fake, pusher, 'web-app', 'v1')
    const patched = await send('PATCH', { properties: { anonymousPullEnabled: true } })
    expect(patched).toMatchObject({
      status: 200,
      body: { properties: { anonymousPullEnabled: true } },
    })

    const answer = await anonymousToken('repository:web-app:pull,push,delete')
    expect(answer.status).toBe(200)
    const token = text(answer, 'access_token')
    expect(fake.decodeToken(token)?.access).toEqual([
      { type: 'repository', name: 'web-app', actions: ['pull'] },
    ])
    expect((await getManifest(fake, token, 'web-app', digest)).status).toBe(200)
    expect([401, 403]).toContain((await pushBlob(fake, token, 'web-app', Buffer.from('x'))).status)
  })

  it('is refused on the Basic SKU (400), by a PUT or a PATCH, and a PUT without it turns it off', async () => {
    const basicPut = await send('PUT', {
      location: 'eastus',
      sku: { name: 'Basic' },
      properties: { anonymousPullEnabled: true },
    })
    expect(basicPut.status).toBe(400)
    expect(registry()).toMatchObject({ sku: 'Standard', anonymousPullEnabled: false })
    expect((await send('PATCH', { properties: { anonymousPullEnabled: true } })).status).toBe(200)
    expect((await send('PATCH', { sku: { name: 'Basic' } })).status).toBe(400)
    expect((await send('PATCH', { properties: { anonymousPullEnabled: 'yes' } })).status).toBe(400)
    expect(registry()).toMatchObject({ sku: 'Standard', anonymousPullEnabled: true })
    expect((await send('PUT', { location: 'eastus', sku: { name: 'Standard' } })).status).toBe(200)
    expect(registry()?.anonymousPullEnabled).toBe(false)
    expect((await anonymousToken('repository:web-app:pull')).status).toBe(401)
  })
})
