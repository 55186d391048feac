import type { FakeAzureIdentity, FakeRegistryInit, FakeRegistrySeed } from './state.js'

/** The ids the fake uses unless told otherwise; none of them is real. */
export interface FakeAzureDefaults {
  readonly tenantId: string
  readonly clientId: string
  readonly clientSecret: string
  readonly subscriptionId: string
  readonly resourceGroup: string
  readonly registryName: string
}

/** Default tenant, service principal, subscription, resource group and registry of the fake. */
export const FAKE_AZURE: FakeAzureDefaults = {
  tenantId: '7a6c1f7e-0000-4000-8000-00000000a2e1',
  clientId: 'c1e47000-0000-4000-8000-00000000c11e',
  clientSecret: 'fake-client-secret',
  subscriptionId: '5b5c7e00-0000-4000-8000-0000000005b5',
  resourceGroup: 'rg-artifacts',
  registryName: 'fakeregistry',
}

/** @internal The service principal of {@link FAKE_AZURE}, allowed every registry action. */
export function defaultIdentity(): FakeAzureIdentity {
  const { tenantId, clientId, clientSecret } = FAKE_AZURE
  return { tenantId, clientId, clientSecret }
}

/** @internal A registry init with every default filled in. */
export function withDefaults(init: FakeRegistryInit): FakeRegistrySeed {
  return {
    name: init.name,
    subscriptionId: init.subscriptionId ?? FAKE_AZURE.subscriptionId,
    resourceGroup: init.resourceGroup ?? FAKE_AZURE.resourceGroup,
    sku: init.sku ?? 'Standard',
    location: init.location ?? 'eastus',
    tags: { ...init.tags },
    publicNetworkAccess: init.publicNetworkAccess ?? 'Enabled',
    networkRuleSet: init.networkRuleSet,
  }
}
