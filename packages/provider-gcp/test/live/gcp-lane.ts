import { type LiveLane, laneEnvironment } from '@artifact-registry/test-kit/live'
import { type GcpProvider, gcp } from '../../src/index.js'

/**
 * The live GCP lane: what it needs, and the provider it tests. Set up as docs/live-lanes.md#gcp
 * says; the base identity is Application Default Credentials.
 */
export const GCP_LANE = {
  name: 'live-gcp',
  docs: 'docs/live-lanes.md#gcp',
  variables: {
    ARTIFACT_REGISTRY_LIVE_GCP_PROJECT: 'project id of the lane’s GAR repository',
    ARTIFACT_REGISTRY_LIVE_GCP_LOCATION: 'location of that repository, e.g. us-central1',
    ARTIFACT_REGISTRY_LIVE_GCP_REPOSITORY:
      'id of a Docker-format GAR repository used by the lane alone (its images are deleted)',
    ARTIFACT_REGISTRY_LIVE_GCP_PULL_SERVICE_ACCOUNT:
      'email of the service account impersonated for pull credentials',
    ARTIFACT_REGISTRY_LIVE_GCP_PUSH_SERVICE_ACCOUNT:
      'email of the service account impersonated for push-pull credentials',
  },
  tools: ['docker', 'skopeo'],
} as const satisfies LiveLane

/** The longest a test of this lane may take; access tokens are checked past a short lifetime. */
export const GCP_TEST_TIMEOUT_MS = 15 * 60_000

/** The longest a test waits for credentials to expire: the timeout, less time for the rest. */
export const GCP_MAX_EXPIRY_WAIT_MS = GCP_TEST_TIMEOUT_MS - 5 * 60_000

/** The lane's variables (throws, listing what is missing, without them). */
export const gcpLaneEnvironment = (): Readonly<
  Record<keyof (typeof GCP_LANE)['variables'], string>
> => laneEnvironment(GCP_LANE)

/** provider-gcp on the lane's GAR repository, as Application Default Credentials. */
export function liveGcp(): Promise<GcpProvider> {
  const env = gcpLaneEnvironment()
  return gcp({
    projectId: env.ARTIFACT_REGISTRY_LIVE_GCP_PROJECT,
    location: env.ARTIFACT_REGISTRY_LIVE_GCP_LOCATION,
    repository: env.ARTIFACT_REGISTRY_LIVE_GCP_REPOSITORY,
    pullServiceAccount: env.ARTIFACT_REGISTRY_LIVE_GCP_PULL_SERVICE_ACCOUNT,
    pushServiceAccount: env.ARTIFACT_REGISTRY_LIVE_GCP_PUSH_SERVICE_ACCOUNT,
  })
}
