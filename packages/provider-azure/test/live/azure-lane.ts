import { type LiveLane, laneEnvironment } from '@artifact-registry/test-kit/live'
import { ClientSecretCredential } from '@azure/identity'
import {
  type AcrSku,
  type AzureCredentialsMode,
  type AzureProvider,
  azure,
} from '../../src/index.js'

/**
 * The live Azure lane: what it needs, and the provider it tests in each credentials mode. Set up
 * as docs/live-lanes.md#azure says; the lane runs as the service principal the variables name.
 */
export const AZURE_LANE = {
  name: 'live-azure',
  docs: 'docs/live-lanes.md#azure',
  variables: {
    ARTIFACT_REGISTRY_LIVE_AZURE_SUBSCRIPTION_ID: 'subscription id of the lane’s registry',
    ARTIFACT_REGISTRY_LIVE_AZURE_RESOURCE_GROUP: 'resource group of the lane’s registry',
    ARTIFACT_REGISTRY_LIVE_AZURE_REGISTRY: 'name of a registry used by the lane alone',
    ARTIFACT_REGISTRY_LIVE_AZURE_SKU: 'that registry’s SKU: Basic, Standard or Premium',
    AZURE_TENANT_ID: 'tenant of the service principal the lane runs as',
    AZURE_CLIENT_ID: 'application (client) id of that service principal',
    AZURE_CLIENT_SECRET: 'a client secret of that service principal',
  },
  tools: ['docker', 'skopeo'],
} as const satisfies LiveLane

/** Both credentials modes: the lane runs everything once in each. */
export const AZURE_MODES: readonly AzureCredentialsMode[] = ['aad-exchange', 'repository-token']

/** Every repository the lane creates is under `artifact-registry-live/`. */
export const LIVE_PREFIX = 'artifact-registry-live'

/**
 * The longest a test may take in each mode. In `aad-exchange` ACR decides how long an access
 * token lives (about 75 minutes, at most the 3 hours of `az acr login` tokens:
 * docs/platforms/azure.md#token-exchange) and the expiry checks wait it out; a repository
 * token's password expires when asked.
 */
export const AZURE_TEST_TIMEOUT_MS: Readonly<Record<AzureCredentialsMode, number>> = {
  'aad-exchange': (3 * 60 + 15) * 60_000,
  'repository-token': 15 * 60_000,
}

/** The longest a test waits for credentials to expire: the timeout, less time for the rest. */
export const azureMaxExpiryWaitMs = (mode: AzureCredentialsMode): number =>
  AZURE_TEST_TIMEOUT_MS[mode] - 5 * 60_000

/** The lane's variables (throws, listing what is missing, without them). */
export const azureLaneEnvironment = (): Readonly<
  Record<keyof (typeof AZURE_LANE)['variables'], string>
> => laneEnvironment(AZURE_LANE)

/** provider-azure on the lane's registry, in `mode`, as the lane's service principal. */
export function liveAzure(mode: AzureCredentialsMode): Promise<AzureProvider> {
  const env = azureLaneEnvironment()
  return azure({
    subscriptionId: env.ARTIFACT_REGISTRY_LIVE_AZURE_SUBSCRIPTION_ID,
    resourceGroup: env.ARTIFACT_REGISTRY_LIVE_AZURE_RESOURCE_GROUP,
    registryName: env.ARTIFACT_REGISTRY_LIVE_AZURE_REGISTRY,
    sku: env.ARTIFACT_REGISTRY_LIVE_AZURE_SKU as AcrSku,
    repositoryPrefix: LIVE_PREFIX,
    credentials: mode,
    credential: new ClientSecretCredential(
      env.AZURE_TENANT_ID,
      env.AZURE_CLIENT_ID,
      env.AZURE_CLIENT_SECRET,
    ),
  })
}
