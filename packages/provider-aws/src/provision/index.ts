export { type AwsDeprovisionResult, deprovision } from './deprovision.js'
export type {
  AwsDeprovisionOptions,
  AwsProvisionClientConfig,
  AwsProvisionOptions,
} from './options.js'
export type { IamPolicyDocument } from './policy-documents.js'
export { type AwsProvisionResult, provision } from './provision.js'
