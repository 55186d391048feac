import { checkLane } from '@artifact-registry/test-kit/live'
import { GCP_LANE } from './gcp-lane.js'

/** The lane's global setup (vitest.live.config.ts): nothing runs unless all it needs is here. */
export async function setup(): Promise<void> {
  await checkLane(GCP_LANE)
}
