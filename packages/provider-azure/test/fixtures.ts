import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import type { DataPlaneOptions } from '@artifact-registry/testing'
import {
  type AzureFake,
  type AzureFakeOptions,
  FAKE_AZURE,
  startAzureFake,
  TEST_TLS_CERT,
} from '@artifact-registry/testing/fakes/azure'
import { ClientSecretCredential } from '@azure/identity'
import type { Clock } from '../src/clock.js'
import { DataPlaneClient } from '../src/data-plane.js'
import { type AzureProvider, type AzureProviderOptions, azure } from '../src/index.js'

/**
 * The Azure fake as strict as a registry under the built-in Azure Policy "Container registries
 * should have ARM audience token authentication disabled": `/oauth2/exchange` refuses Entra ID
 * tokens for ARM, so the provider must ask for ACR's own audience. The provider's tests use it.
 */
export function startStrictAzureFake(options: AzureFakeOptions = {}): Promise<AzureFake> {
  return startAzureFake({ armAudienceTokens: false, ...options })
}

/** A real ClientSecretCredential that talks to the fake's Entra ID (never to IMDS or the CLI). */
export function fakeCredential(
  fake: AzureFake,
  clientSecret: string = FAKE_AZURE.clientSecret,
  clientId: string = FAKE_AZURE.clientId,
): ClientSecretCredential {
  return new ClientSecretCredential(
    FAKE_AZURE.tenantId,
    clientId,
    clientSecret,
    fake.credentialOptions,
  )
}

/**
 * A class standing in for `DefaultAzureCredential` in a README example run against the fake:
 * built with no arguments, it is the fake's service principal, trusting the fake's CA.
 */
export function fakeDefaultCredentialClass(fake: AzureFake): new () => ClientSecretCredential {
  return class FakeDefaultCredential extends ClientSecretCredential {
    constructor() {
      super(
        FAKE_AZURE.tenantId,
        FAKE_AZURE.clientId,
        FAKE_AZURE.clientSecret,
        fake.credentialOptions,
      )
    }
  }
}

/**
 * The provider wired to the fake (its registry, Entra ID, ARM and data plane, a real credential,
 * its CA as the only one trusted), with fast polling.
 */
export async function fakeProvider(
  fake: AzureFake,
  overrides: Partial<AzureProviderOptions> = {},
): Promise<AzureProvider> {
  return azure({ ...fake.providerOptions(), pollIntervalMs: 1, ...overrides })
}

/** A clock whose sleeps advance time at once, recording every wait. */
export class FakeClock implements Clock {
  time: number
  readonly sleeps: number[] = []

  constructor(start = Date.UTC(2030, 0, 1)) {
    this.time = start
  }

  now(): number {
    return this.time
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms)
    this.time += ms
  }
}

/** The error `promise` rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (err) {
    return err as Error
  }
  throw new Error('expected the promise to reject')
}

/**
 * The fake's registry for the suite's data-plane group: `expire` moves the fake's clock just past
 * the credential's expiry, which the fake's /oauth2/token and registry judge by.
 */
export function fakeDataPlane(fake: () => AzureFake): DataPlaneOptions {
  return {
    expire: async (credentials: ArtifactRegistryCredentials) => {
      const expiresAt = credentials.expiresAt?.getTime()
      if (expiresAt === undefined) throw new Error('the credentials have no expiresAt')
      fake().advanceClock(Math.max(0, expiresAt - fake().now()) / 1000 + 1)
    },
    tls: true,
    // The certificate every Azure fake serves (fake.dataPlane.caCertificate).
    caCertificate: TEST_TLS_CERT,
  }
}

/**
 * The actions ACR grants `credentials` (Basic, as docker and skopeo log in) on `repository` when
 * asked for every one, at the fake's `/oauth2/token`; the HTTP status when it refuses them.
 */
export async function actionsGranted(
  fake: AzureFake,
  credentials: ArtifactRegistryCredentials,
  repository = 'web-app',
): Promise<string[] | number> {
  const client = new DataPlaneClient(fake.loginServer, [fake.ca], 5_000)
  try {
    const query = new URLSearchParams({
      service: fake.loginServer,
      scope: `repository:${repository}:pull,push,delete,metadata_read,metadata_write`,
    })
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
    const answer = await client.send('GET', `/oauth2/token?${query}`, {
      authorization: `Basic ${basic}`,
    })
    if (answer.status !== 200) return answer.status
    const token = String((answer.body as { access_token: string }).access_token)
    const access = fake.decodeToken(token)?.access as { actions: string[] }[]
    return access[0]?.actions ?? []
  } finally {
    client.close()
  }
}
