import { type AzureFake, FAKE_AZURE, startAzureFake } from '@artifact-registry/testing/fakes/azure'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { armJsonHeaders, call } from './azure-wire.js'

// A registry PUT creates or replaces (what it leaves out goes back to its default), a PATCH
// merges (what it leaves out stays), as ARM documents the two verbs.

const REGISTRY = `/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/${FAKE_AZURE.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${FAKE_AZURE.registryName}`
const API = 'api-version=2025-11-01'

const LOCKED_DOWN = {
  tags: { owner: 'platform-team' },
  properties: {
    publicNetworkAccess: 'Disabled',
    networkRuleSet: { defaultAction: 'Deny', ipRules: [{ action: 'Allow', value: '10.0.0.0/8' }] },
  },
}

describe('Azure fake: registry PUT and PATCH', () => {
  let fake: AzureFake
  let headers: Record<string, string>
  beforeAll(async () => {
    fake = await startAzureFake({ lroStyle: 'immediate' })
    headers = await armJsonHeaders(fake)
  })
  afterAll(() => fake.close())
  beforeEach(() => fake.reset())

  const send = (method: string, body: unknown, path = REGISTRY) =>
    call(fake, method, `${path}?${API}`, { headers, body: JSON.stringify(body) })
  const registry = () => fake.state.registries.values().next().value

  it('PATCH changes what it carries and keeps tags, network access and rules', async () => {
    expect((await send('PATCH', { ...LOCKED_DOWN, sku: { name: 'Premium' } })).status).toBe(200)
    const patched = await send('PATCH', { properties: { adminUserEnabled: true } })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({
      sku: { name: 'Premium' },
      tags: { owner: 'platform-team' },
      properties: { adminUserEnabled: true, ...LOCKED_DOWN.properties },
    })
    expect(registry()).toMatchObject({ adminUserEnabled: true, publicNetworkAccess: 'Disabled' })
  })

  it('PATCH with tags replaces every tag', async () => {
    await send('PATCH', { tags: { a: '1', b: '2' } })
    expect((await send('PATCH', { tags: { c: '3' } })).body).toMatchObject({ tags: { c: '3' } })
    expect(registry()?.tags).toEqual({ c: '3' })
  })

  it('PUT resets what it leaves out to the defaults', async () => {
    await send('PATCH', { ...LOCKED_DOWN, properties: { ...LOCKED_DOWN.properties } })
    const put = await send('PUT', { location: 'eastus', sku: { name: 'Standard' } })
    expect(put.status).toBe(200)
    expect(put.body).toMatchObject({ tags: {}, properties: { publicNetworkAccess: 'Enabled' } })
    expect(registry()).toMatchObject({
      tags: {},
      publicNetworkAccess: 'Enabled',
      networkRuleSet: undefined,
      adminUserEnabled: false,
    })
  })

  it('PATCH of a missing registry is 404, of a bad value 400, and changes nothing', async () => {
    const missing = await send(
      'PATCH',
      { tags: {} },
      REGISTRY.replace(/registries\/.*/, 'registries/nothere1'),
    )
    expect(missing.status).toBe(404)
    const bad = await send('PATCH', { properties: { publicNetworkAccess: 'Sometimes' } })
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'InvalidRequestContent' } } })
    expect((await send('PATCH', { sku: { name: 'Gold' } })).status).toBe(400)
    expect(registry()).toMatchObject({ publicNetworkAccess: 'Enabled', sku: 'Standard' })
  })

  it('logs a PATCH as registries.update, an ARM write needing registries/write', async () => {
    await send('PATCH', { tags: {} })
    expect(fake.requests.map((r) => r.operation)).toContain('registries.update')
  })
})
