import { FAKE_AZURE, startAzureFake } from '@artifact-registry/testing/fakes/azure'
import { describe, expect, it } from 'vitest'
import { aadToken, call } from './azure-wire.js'

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

  it('gives a registry created through ARM no login server: providerOptions refuses it', async () => {
    await using fake = await startAzureFake({ lroStyle: 'immediate' })
    const headers = {
      authorization: `Bearer ${await aadToken(fake)}`,
      'content-type': 'application/json',
    }
    const body = JSON.stringify({ location: 'eastus', sku: { name: 'Basic' } })
    const created = await call(fake, 'PUT', `${REGISTRIES}/armregistry?${API}`, { headers, body })
    expect(created.status).toBeLessThan(300)
    expect(() => fake.providerOptions('armregistry')).toThrow(
      /created through ARM and has no login server/,
    )
    await fake.seedRegistry({ name: 'armregistry' })
    expect(fake.providerOptions('armregistry').loginServer).not.toBe(fake.loginServer)
  })
})
