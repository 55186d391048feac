import type { ArtifactRegistry } from '@artifact-registry/core'
import type { TestAPI } from 'vitest'
import { dockerLoginRoundTrip } from './docker-scenarios.js'

/** Two logins, a push and a pull of a small image, with room for a slow registry. */
const ROUND_TRIP_TIMEOUT_MS = 10 * 60_000

/**
 * Registers a live lane's docker test with `it`: {@link dockerLoginRoundTrip} on a provider from
 * `open`, closed again afterwards.
 */
export function itRoundTripsDockerLogin(it: TestAPI, open: () => Promise<ArtifactRegistry>): void {
  it(
    'push-pull credentials push, pull credentials pull and are refused a push',
    async () => {
      await using registry = await open()
      await dockerLoginRoundTrip(registry)
    },
    ROUND_TRIP_TIMEOUT_MS,
  )
}
