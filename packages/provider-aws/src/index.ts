export { AwsProvider, aws } from './aws-provider.js'
export { fromBinding } from './from-binding.js'
export type { AwsClientConfig, AwsProviderOptions, ReplicaWaitOptions } from './options.js'
export { PLATFORM } from './platform.js'
export {
  CROSS_ACCOUNT_PULL_ACTIONS,
  LAMBDA_PULL_ACTIONS,
  LAMBDA_SID,
  OWN_SID_PREFIX,
  PULL_SID,
} from './repository-policy.js'
export { PULL_ACTIONS, PUSH_PULL_ACTIONS, sessionPolicy, TOKEN_ACTION } from './session-policy.js'
