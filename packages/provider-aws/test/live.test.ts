import { artifactRegistryContractSuite } from '@artifact-registry/testing'
import { describe, it } from 'vitest'
import { aws } from '../src/index.js'

/**
 * Opt-in lane against real AWS. It runs only when ARTIFACT_REGISTRY_AWS_LIVE=1 and AWS
 * credentials are in the environment, and never in CI. It creates and deletes repositories
 * under ARTIFACT_REGISTRY_AWS_PREFIX (default `artifact-registry-live`) in AWS_REGION, with the
 * roles from ARTIFACT_REGISTRY_AWS_PULL_ROLE_ARN / ARTIFACT_REGISTRY_AWS_PUSH_ROLE_ARN.
 */
const env = process.env
const hasCredentials =
  env.AWS_PROFILE !== undefined ||
  (env.AWS_ACCESS_KEY_ID !== undefined && env.AWS_SECRET_ACCESS_KEY !== undefined)
const live = env.ARTIFACT_REGISTRY_AWS_LIVE === '1' && hasCredentials && env.CI === undefined

describe.skipIf(!live)('provider-aws against real AWS (opt-in)', () => {
  artifactRegistryContractSuite({
    test: { describe, it },
    timeoutMs: 120_000,
    factory: () =>
      aws({
        region: env.AWS_REGION ?? 'us-east-1',
        repositoryPrefix: env.ARTIFACT_REGISTRY_AWS_PREFIX ?? 'artifact-registry-live',
        pullRoleArn: env.ARTIFACT_REGISTRY_AWS_PULL_ROLE_ARN,
        pushRoleArn: env.ARTIFACT_REGISTRY_AWS_PUSH_ROLE_ARN,
      }),
  })
})
