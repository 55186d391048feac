export { GCP_CAPABILITIES } from './capabilities.js'
export { fromBinding } from './from-binding.js'
export { DOCKER_USERNAME, GcpProvider, gcp } from './gcp-provider.js'
export { READER_ROLE } from './iam-policy.js'
export { CLOUD_PLATFORM_SCOPE } from './impersonation.js'
export {
  DEFAULT_IAM_CREDENTIALS_ENDPOINT,
  type GarClientOptions,
  type GarClientSource,
  type GcpProviderOptions,
  type PolicyRetryOptions,
} from './options.js'
export { PLATFORM } from './platform.js'
