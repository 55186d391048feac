import { FAKE_AZURE, startAzureFake } from '@artifact-registry/testing/fakes/azure'
import { describe, expect, it } from 'vitest'
import { aadToken, armJsonHeaders, call } from './azure-wire.js'

// Who may do what at the Azure fake's ARM, and which registries have a login server.

const API = 'api-version=2025-11-01'
const REGISTRIES = `/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/${FAKE_AZURE.resourceGroup}/providers/Microsoft.ContainerRegistry/registries`

describe('the Azure fake’s ARM', () => {
  it('answers 403 AuthorizationFailed for an action the identity’s roles lack', async () => {
    const { tenantId, clientId, clientSecret } = FAKE_AZURE
    const armActions = ['Microsoft.ContainerRegistry/registries/scopeMaps/read']
    await using fake = await startAzureFake({
      identities: [{ tenantId, clientId, clientSecret, armActions }],
    })
    const headers = { authorization: `Bearer ${await aadToken(fake)}` }
    const scopeMaps = `${REGISTRIES}/${FAKE_AZURE.registryName}/scopeMaps`
    expect((await call(fake, 'GET', `${scopeMaps}?${API}`, { headers })).status).toBe(200)
    const tokens = await call(
      fake,
      'GET',
      `${REGISTRIES}/${FAKE_AZURE.registryName}/tokens?${API}`,
      {
        headers,
      },
    )
    expect(tokens.status).toBe(403)
    expect(tokens.body).toMatchObject({ error: { code: 'AuthorizationFailed' } })
    expect(JSON.stringify(tokens.body)).toContain(
      'Microsoft.ContainerRegistry/registries/tokens/read',
    )
  })

  it('gives a registry created through ARM a login server of its own, gone with the registry', async () => {
    await using fake = await startAzureFake({ lroStyle: 'immediate' })
    const headers = await armJsonHeaders(fake)
    const body = JSON.stringify({ location: 'eastus', sku: { name: 'Basic' } })
    const created = await call(fake, 'PUT', `${REGISTRIES}/armregistry?${API}`, { headers, body })
    expect(created.status).toBeLessThan(300)
    const { loginServer } = fake.providerOptions('armregistry')
    expect(loginServer).not.toBe(fake.loginServer)
    expect(created.body).toMatchObject({ properties: { loginServer, adminUserEnabled: false } })
    const v2 = await call(fake, 'GET', `https://${loginServer}/v2/`)
    expect(v2.status).toBe(401)
    expect(v2.headers['www-authenticate']).toContain(`realm="https://${loginServer}/oauth2/token"`)
    const deleted = await call(fake, 'DELETE', `${REGISTRIES}/armregistry?${API}`, { headers })
    expect(deleted.status).toBe(200)
    expect(() => fake.providerOptions('armregistry')).toThrow(/no registry named armregistry/)
    await expect(call(fake, 'GET', `https://${loginServer}/v2/`)).rejects.toThrow(/ECONNREFUSED/)
  })

  it('keeps registry names unique across subscriptions and resource groups (any case)', async () => {
    await using fake = await startAzureFake({ lroStyle: 'immediate' })
    const headers = await armJsonHeaders(fake)
    const body = JSON.stringify({ location: 'eastus', sku: { name: 'Basic' } })
    const elsewhere = REGISTRIES.replace(FAKE_AZURE.resourceGroup, 'rg-other')
    const taken = await call(
      fake,
      'PUT',
      `${elsewhere}/${FAKE_AZURE.registryName.toUpperCase()}?${API}`,
      {
        headers,
        body,
      },
    )
    expect(taken.status).toBe(409)
    expect(taken.body).toMatchObject({ error: { code: 'AlreadyInUse' } })
    const moved = JSON.stringify({ location: 'westus', sku: { name: 'Basic' } })
    const relocated = await call(fake, 'PUT', `${REGISTRIES}/${FAKE_AZURE.registryName}?${API}`, {
      headers,
      body: moved,
    })
    expect(relocated.body).toMatchObject({ error: { code: 'InvalidResourceLocation' } })
    const check = async (name: string) => {
      const path = `/subscriptions/other-subscription/providers/Microsoft.ContainerRegistry/checkNameAvailability?${API}`
      const type = 'Microsoft.ContainerRegistry/registries'
      return (await call(fake, 'POST', path, { headers, body: JSON.stringify({ name, type }) }))
        .body
    }
    expect(await check(FAKE_AZURE.registryName.toUpperCase())).toMatchObject({
      nameAvailable: false,
      reason: 'AlreadyExists',
    })
    expect(await check('ab')).toMatchObject({ nameAvailable: false, reason: 'Invalid' })
    expect(await check('freshregistry')).toEqual({ nameAvailable: true })
  })
})
