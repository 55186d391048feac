export { GCP_CAPABILITIES } from './capabilities.js'
export { fromBinding } from './from-binding.js'
export { GcpProvider, gcp } from './gcp-provider.js'
export type {
  GarClientOptions,
  GarClientSource,
  GcpProviderOptions,
  PolicyRetryOptions,
} from './options.js'
export { PLATFORM } from './platform.js'
