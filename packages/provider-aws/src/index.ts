export { AwsProvider, aws } from './aws-provider.js'
export { AWS_CAPABILITIES } from './capabilities.js'
export { fromBinding } from './from-binding.js'
export type {
  AwsClientConfig,
  AwsProviderOptions,
  PrincipalRetryOptions,
  ReplicaWaitOptions,
} from './options.js'
export { PLATFORM } from './platform.js'
