export { AzureProvider, azure } from './azure-provider.js'
export { AZURE_CAPABILITIES } from './capabilities.js'
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
