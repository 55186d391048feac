import { ClientSecretCredential } from '@azure/identity'
import type { FakeClock } from './clock.js'
import type { FakeAzureIdentity, FakeRegistry } from './state.js'

/** What {@link AzureFake.providerOptions} returns: the `azure()` options that reach the fake. */
export interface AzureFakeProviderOptions {
  subscriptionId: string
  resourceGroup: string
  registryName: string
  /** A real `ClientSecretCredential` of the fake's first identity, whose Entra ID is the fake. */
  credential: ClientSecretCredential
  /** The fake's data plane (`/oauth2/exchange`, `/oauth2/token`, `/v2/`), `127.0.0.1:{port}`. */
  loginServer: string
  /** The fake's test certificate: trusted for the data plane and ARM, nothing else is. */
  trustedCa: string
  /** ARM. */
  clientOptions: { endpoint: string }
  /**
   * The fake's time, for what the provider keeps until it expires (ACR refresh tokens), with
   * real sleeps: after `advanceClock` the provider renews what the fake says has expired.
   */
  clock: { now: () => number; sleep: (ms: number) => Promise<void> }
}

/** @internal Where the fake listens and what it trusts. */
export interface AzureFakeEndpoints {
  readonly url: string
  readonly loginServer: string
  readonly ca: string
}

/** @internal The options of `azure()` for one registry of the fake, signed in as `identity`. */
export function azureProviderOptions(
  fake: AzureFakeEndpoints,
  registry: FakeRegistry,
  identity: FakeAzureIdentity,
  clock: FakeClock,
): AzureFakeProviderOptions {
  return {
    subscriptionId: registry.subscriptionId,
    resourceGroup: registry.resourceGroup,
    registryName: registry.name,
    credential: new ClientSecretCredential(
      identity.tenantId,
      identity.clientId,
      identity.clientSecret,
      {
        authorityHost: fake.url,
        // Instance discovery asks login.microsoftonline.com which authorities exist.
        disableInstanceDiscovery: true,
        tlsOptions: { ca: fake.ca },
      },
    ),
    loginServer: fake.loginServer,
    trustedCa: fake.ca,
    clientOptions: { endpoint: fake.url },
    clock: {
      now: () => clock.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
    },
  }
}
