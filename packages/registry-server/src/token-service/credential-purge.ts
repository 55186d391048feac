import type { CredentialStore } from '../auth/credential-store.js'
import { errorFields, type Log } from '../log.js'

/**
 * How often the standalone token service forgets expired credentials: hourly, the longest the
 * registry's maintenance waits between two purges.
 */
export const CREDENTIAL_PURGE_INTERVAL_MS = 3_600_000

/** A running purge of expired credentials. */
export interface CredentialPurge {
  /** Stop purging, once the purge under way (a write to the data directory) has ended. */
  stop(): Promise<void>
}

/**
 * Forget the store's expired credentials now, then every `intervalMs` until stopped. A service
 * that mints for months without it kept every credential it ever minted, in memory and in
 * `credentials.json`: each revocation by repository or namespace went through all of them, and
 * each start read them all back.
 *
 * @throws what the first purge throws (the data directory cannot be written), as the registry's
 *   start does; a later purge that fails is logged and tried again at the next interval
 */
export async function startCredentialPurge(
  credentials: Pick<CredentialStore, 'purgeExpired'>,
  log: Log,
  intervalMs: number = CREDENTIAL_PURGE_INTERVAL_MS,
): Promise<CredentialPurge> {
  await credentials.purgeExpired()
  let running: Promise<void> | undefined
  const timer = setInterval(() => {
    // One at a time: a purge slowed by the disk is not queued behind again.
    if (running !== undefined) return
    running = credentials
      .purgeExpired()
      .then(
        () => {},
        (error: unknown) =>
          log.write({ level: 'error', msg: 'credential purge failed', error: errorFields(error) }),
      )
      .finally(() => {
        running = undefined
      })
  }, intervalMs).unref()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
