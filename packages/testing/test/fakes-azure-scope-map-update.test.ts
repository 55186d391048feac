import { type AzureFake, FAKE_AZURE, startAzureFake } from '@artifact-registry/testing/fakes/azure'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { armActionOf } from '../src/fakes/azure/rbac.js'
import { armJsonHeaders, call } from './azure-wire.js'

// A scope map's PATCH updates one that exists and never creates (ARM's 404 where a PUT would
// make it), as ARM's resource provider contract has every PATCH do.

const SCOPE_MAPS = `/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/${FAKE_AZURE.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${FAKE_AZURE.registryName}/scopeMaps`
const API = 'api-version=2025-11-01'
const READ = ['repositories/web-app/content/read']
const WRITE = [...READ, 'repositories/web-app/content/write']

describe('Azure fake: scope map PATCH', () => {
  let fake: AzureFake
  let headers: Record<string, string>
  beforeAll(async () => {
    fake = await startAzureFake({ lroStyle: 'immediate' })
    headers = await armJsonHeaders(fake)
  })
  afterAll(() => fake.close())
  beforeEach(() => {
    fake.reset()
    fake.state.scopeMaps.clear()
  })

  const send = (method: string, name: string, properties: unknown) =>
    call(fake, method, `${SCOPE_MAPS}/${name}?${API}`, {
      headers,
      body: JSON.stringify({ properties }),
    })

  it('replaces the actions it sends and keeps the description it leaves out', async () => {
    await send('PUT', 'web-app', { actions: READ, description: 'ours' })
    const patched = await send('PATCH', 'web-app', { actions: WRITE })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ properties: { actions: WRITE, description: 'ours' } })
    expect(fake.getScopeMaps()).toMatchObject([{ actions: WRITE, description: 'ours' }])
    expect(fake.requests.map((r) => r.operation)).toContain('scopeMaps.update')
    expect(armActionOf('scopeMaps.update')).toBe(
      'Microsoft.ContainerRegistry/registries/scopeMaps/write',
    )
  })

  it('answers 404 for a scope map that does not exist, and creates nothing', async () => {
    const missing = await send('PATCH', 'web-app', { actions: WRITE })
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'ResourceNotFound' } } })
    expect(fake.getScopeMaps()).toEqual([])
  })

  it('answers 400 for actions that are not repository actions, and changes nothing', async () => {
    await send('PUT', 'web-app', { actions: READ })
    const bad = await send('PATCH', 'web-app', { actions: ['*'] })
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'InvalidScopeMapActions' } } })
    expect(fake.getScopeMaps()).toMatchObject([{ actions: READ }])
  })
})
