import { setTimeout as sleepFor } from 'node:timers/promises'
import type { ArtifactRegistryCredentials } from '@artifact-registry/core'

/**
 * How long {@link waitUntilExpired} waits past `expiresAt` by default: the contract suite's
 * `dataPlane.expireOvershootMs` of a live lane.
 */
export const EXPIRY_MARGIN_MS = 30_000

/** Options of {@link waitUntilExpired}. */
export interface ExpiryWaitOptions {
  /**
   * Time waited past `expiresAt`: the cloud decides expiry by its own clock, which may be behind
   * this machine's. @default 30000
   */
  marginMs?: number
  /** Refuse at once instead of waiting longer than this (a lane's test timeout). @default no bound */
  maxWaitMs?: number
  /** @default the system clock */
  now?: () => number
  /** @default a timer */
  sleep?: (ms: number) => Promise<void>
}

/**
 * Waits in real time until `credentials.expiresAt` (plus a margin) has passed: how a live lane
 * makes credentials expire, where a fake would move its clock. It is the `expire` of the contract
 * suite's `dataPlane` option in every live lane.
 *
 * @throws TypeError when the credentials carry no expiry (there is nothing to wait for).
 * @throws Error when the wait would exceed `maxWaitMs`, before waiting at all.
 */
export async function waitUntilExpired(
  credentials: Pick<ArtifactRegistryCredentials, 'expiresAt'>,
  options: ExpiryWaitOptions = {},
): Promise<void> {
  const expiresAt = expiryOf(credentials)
  await waitUntil(expiresAt.getTime() + (options.marginMs ?? EXPIRY_MARGIN_MS), options)
}

/**
 * Waits in real time until the instant `at` (ms since the epoch); returns at once if it has passed.
 *
 * @throws Error when the wait would exceed `maxWaitMs`, before waiting at all.
 */
export async function waitUntil(
  at: number,
  options: Pick<ExpiryWaitOptions, 'maxWaitMs' | 'now' | 'sleep'> = {},
): Promise<void> {
  const waitMs = at - (options.now ?? Date.now)()
  const maxWaitMs = options.maxWaitMs ?? Number.POSITIVE_INFINITY
  if (waitMs > maxWaitMs) {
    throw new Error(
      `${new Date(at).toISOString()} is ${minutes(waitMs)} away: ` +
        `more than this lane waits (${minutes(maxWaitMs)})`,
    )
  }
  if (waitMs > 0) await (options.sleep ?? ((ms) => sleepFor(ms)))(waitMs)
}

/**
 * `credentials.expiresAt`, which a live lane needs to wait for.
 *
 * @throws TypeError when it is not a valid Date (`null`: the credentials never expire).
 */
export function expiryOf(credentials: Pick<ArtifactRegistryCredentials, 'expiresAt'>): Date {
  const { expiresAt } = credentials
  if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) {
    throw new TypeError('credentials.expiresAt must be a Date: these credentials never expire')
  }
  return expiresAt
}

function minutes(ms: number): string {
  return `${(ms / 60_000).toFixed(1)} min`
}
