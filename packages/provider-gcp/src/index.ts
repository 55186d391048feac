export { GCP_CAPABILITIES } from './capabilities.js'
export {
  CLOUD_PLATFORM_SCOPE,
  DEFAULT_IAM_CREDENTIALS_ENDPOINT,
  DOCKER_USERNAME,
  PLATFORM,
  READER_ROLE,
} from './constants.js'
export { fromBinding } from './from-binding.js'
export { GcpProvider, gcp } from './gcp-provider.js'
export type {
  GarClientOptions,
  GarClientSource,
  GcpProviderOptions,
  PolicyRetryOptions,
} from './options.js'
