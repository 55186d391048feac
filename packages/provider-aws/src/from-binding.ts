import type { AwsBinding } from '@artifact-registry/core'
import { type AwsProvider, aws } from './aws-provider.js'

/**
 * Build the provider from a validated `aws` binding (what `createArtifactRegistry` calls).
 * `binding.endpoint` overrides the ECR endpoint; STS and credentials come from the SDK's
 * defaults (`AWS_ENDPOINT_URL_STS`, the default credential chain).
 */
export function fromBinding(binding: AwsBinding): Promise<AwsProvider> {
  return aws({
    region: binding.region,
    repositoryPrefix: binding.repositoryPrefix,
    pullRoleArn: binding.pullRoleArn,
    pushRoleArn: binding.pushRoleArn,
    replicationRegions: binding.replicationRegions,
    allowUnscopedCredentials: binding.allowUnscopedCredentials,
    clientConfig: binding.endpoint === undefined ? {} : { endpoint: binding.endpoint },
  })
}
