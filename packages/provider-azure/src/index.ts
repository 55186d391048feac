import { instrument } from '@artifact-registry/core'
import { AzureProvider } from './azure-provider.js'
import type { AzureProviderOptions } from './options.js'

export { AZURE_CAPABILITIES, AzureProvider } from './azure-provider.js'
export type { Clock } from './clock.js'
export { AZURE_CLOUDS, type AzureCloud, type CloudEndpoints } from './clouds.js'
export { fromBinding } from './from-binding.js'
export type { AzureProviderOptions } from './options.js'
export { PLATFORM } from './platform.js'
export {
  type AcrSku,
  type OperationKind,
  type RateLimits,
  SKU_RATE_LIMITS,
} from './rate-limiter.js'
export { SCOPE_MAP_DESCRIPTION, scopeMapActions, scopeMapName } from './scope-map.js'

/**
 * An `ArtifactRegistry` for one Azure Container Registry.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` listing every invalid option.
 * @example
 * ```ts
 * import { DefaultAzureCredential } from '@azure/identity'
 * import { azure } from '@artifact-registry/provider-azure'
 *
 * await using registry = azure({
 *   subscriptionId: process.env.AZURE_SUBSCRIPTION_ID!,
 *   resourceGroup: 'rg-artifacts',
 *   registryName: 'acmeregistry',
 *   repositoryPrefix: 'team-a',
 *   credential: new DefaultAzureCredential(),
 * })
 * const { name } = await registry.createRepository('web-app')   // 'team-a/web-app'
 * const credentials = await registry.generateCredentials(name, 'pull')
 * ```
 */
export function azure(options: AzureProviderOptions): AzureProvider {
  return instrument(new AzureProvider(options))
}
