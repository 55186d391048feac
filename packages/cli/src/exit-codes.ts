import type { ErrorCode } from '@artifact-registry/core'

/** Exit statuses that are not an error code's: success, any other failure, usage, Ctrl-C. */
export const EXIT = {
  /** The command did what it was asked. */
  ok: 0,
  /** A failure that is not an `ArtifactRegistryError` (a client such as docker failed, a bug). */
  failure: 1,
  /** The command line is wrong: an unknown command or flag, a missing or bad value. */
  usage: 2,
  /** Interrupted by SIGINT (Ctrl-C), as shells report it (128 + 2). */
  interrupted: 130,
} as const

/**
 * The exit status of each `ArtifactRegistryError` code: one distinct status per code, so a script
 * can tell `NOT_FOUND` from `PERMISSION_DENIED` without parsing messages. Typed by `ErrorCode`, so
 * a code added to core does not compile until it has a status here.
 */
export const ERROR_EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  NOT_FOUND: 3,
  ALREADY_EXISTS: 4,
  INVALID_NAME: 5,
  INVALID_ARGUMENT: 6,
  INVALID_CONFIG: 7,
  UNAUTHENTICATED: 8,
  PERMISSION_DENIED: 9,
  NOT_SUPPORTED: 10,
  CONFLICT: 11,
  RATE_LIMITED: 12,
  UNAVAILABLE: 13,
  TIMEOUT: 14,
  PROVIDER_NOT_INSTALLED: 15,
  INTERNAL: 16,
}
