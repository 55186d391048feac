import { ClientSecretCredential, type TokenCredential } from '@azure/identity'
import type { FakeClock } from './clock.js'
import { decodeFakeJwt } from './jwt.js'
import type { FakeAzureIdentity, FakeRegistry } from './state.js'

/** What {@link AzureFake.providerOptions} returns: the `azure()` options that reach the fake. */
export interface AzureFakeProviderOptions {
  subscriptionId: string
  resourceGroup: string
  registryName: string
  /**
   * A real `ClientSecretCredential` of the fake's first identity, whose Entra ID is the fake,
   * that also follows the fake's clock: once `advanceClock` has made its cached token expire, it
   * signs in again, as it would once that much time had really passed.
   */
  credential: TokenCredential
  /** The fake's data plane (`/oauth2/exchange`, `/oauth2/token`, `/v2/`), `127.0.0.1:{port}`. */
  loginServer: string
  /** The fake's test certificate: trusted for the data plane and ARM, nothing else is. */
  trustedCa: string
  /** ARM. */
  clientOptions: { endpoint: string }
  /** The fake's time for what the provider caches (ACR refresh tokens); real sleeps. */
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
  const signIn = () =>
    new ClientSecretCredential(identity.tenantId, identity.clientId, identity.clientSecret, {
      authorityHost: fake.url,
      // Instance discovery asks login.microsoftonline.com which authorities exist.
      disableInstanceDiscovery: true,
      tlsOptions: { ca: fake.ca },
    })
  return {
    subscriptionId: registry.subscriptionId,
    resourceGroup: registry.resourceGroup,
    registryName: registry.name,
    credential: new FakeClockCredential(signIn, clock),
    loginServer: fake.loginServer,
    trustedCa: fake.ca,
    clientOptions: { endpoint: fake.url },
    clock: {
      now: () => clock.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
    },
  }
}

// --- Internal ---

/** MSAL renews a cached token in its last five minutes; so does this credential. */
const RENEW_BEFORE_MS = 5 * 60_000

/**
 * A credential that signs in again when the fake's clock says its cached token is (nearly)
 * expired. MSAL judges its cache by the machine's clock, which `advanceClock` does not move.
 */
class FakeClockCredential implements TokenCredential {
  readonly #signIn: () => TokenCredential
  readonly #clock: FakeClock
  #current: TokenCredential

  constructor(signIn: () => TokenCredential, clock: FakeClock) {
    this.#signIn = signIn
    this.#clock = clock
    this.#current = signIn()
  }

  async getToken(...args: Parameters<TokenCredential['getToken']>) {
    const token = await this.#current.getToken(...args)
    const exp = token === null ? undefined : decodeFakeJwt(token.token)?.exp
    if (exp === undefined || exp * 1000 - RENEW_BEFORE_MS > this.#clock.now()) return token
    this.#current = this.#signIn()
    return this.#current.getToken(...args)
  }
}
