import type { LiveLane } from '@artifact-registry/test-kit/live'
import { laneEnvironment } from '@artifact-registry/test-kit/live'
import { type AwsProvider, aws } from '../../src/index.js'

/**
 * The live AWS lane: what it needs, and the provider it tests. Set up as docs/live-lanes.md#aws
 * says; the base identity comes from the SDK's default chain (`AWS_PROFILE`, SSO, keys, …).
 */
export const AWS_LANE = {
  name: 'live-aws',
  docs: 'docs/live-lanes.md#aws',
  variables: {
    AWS_REGION: 'region of the lane’s repositories, e.g. us-east-1',
    ARTIFACT_REGISTRY_LIVE_AWS_ACCOUNT_ID:
      'the 12-digit account of the base identity; the lane refuses to run in any other',
    ARTIFACT_REGISTRY_LIVE_AWS_PULL_ROLE_ARN: 'ARN of the role assumed for pull credentials',
    ARTIFACT_REGISTRY_LIVE_AWS_PUSH_ROLE_ARN: 'ARN of the role assumed for push-pull credentials',
  },
  tools: ['docker', 'skopeo'],
} as const satisfies LiveLane

/** Every repository the lane creates is `artifact-registry-live-…`: the roles allow nothing else. */
export const LIVE_PREFIX = 'artifact-registry-live'

/**
 * The longest a test of this lane may take: the shortest STS session is 15 minutes, and the
 * expiry checks wait it out.
 */
export const AWS_TEST_TIMEOUT_MS = 25 * 60_000

/** The longest a test waits for credentials to expire: the timeout, less time for the rest. */
export const AWS_MAX_EXPIRY_WAIT_MS = AWS_TEST_TIMEOUT_MS - 5 * 60_000

/** The lane's variables (throws, listing what is missing, without them). */
export const awsLaneEnvironment = (): Readonly<
  Record<keyof (typeof AWS_LANE)['variables'], string>
> => laneEnvironment(AWS_LANE)

/**
 * provider-aws on the lane's account. The account is read from the base identity and compared
 * with `ARTIFACT_REGISTRY_LIVE_AWS_ACCOUNT_ID`, so a profile pointing at another account (say,
 * production) stops the lane before it creates anything.
 */
export async function liveAws(): Promise<AwsProvider> {
  const env = awsLaneEnvironment()
  const registry = await aws({
    region: env.AWS_REGION,
    repositoryPrefix: LIVE_PREFIX,
    pullRoleArn: env.ARTIFACT_REGISTRY_LIVE_AWS_PULL_ROLE_ARN,
    pushRoleArn: env.ARTIFACT_REGISTRY_LIVE_AWS_PUSH_ROLE_ARN,
  })
  const expected = `https://${env.ARTIFACT_REGISTRY_LIVE_AWS_ACCOUNT_ID}.dkr.ecr.`
  if (!registry.registryEndpoint.startsWith(expected)) {
    await registry.close()
    throw new Error(
      `the base identity's registry is ${registry.registryEndpoint}, not in account ` +
        `${env.ARTIFACT_REGISTRY_LIVE_AWS_ACCOUNT_ID}: check AWS_PROFILE`,
    )
  }
  return registry
}
