import { OciError } from './oci-errors.js'
import { RepositoryMetadataFull } from './storage/metadata-budget.js'

// Error codes of a filesystem with no room left: out of space, or out of the user's quota.
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT'])

/**
 * What a client is told of a failure. An `OciError` is an answer chosen on purpose and goes out
 * as it is. A repository whose metadata would outgrow the registry's limit is 403 `DENIED` with
 * the figures: retrying cannot help, deleting can. Anything else is a failure of the server,
 * whose own text can name the data directory's paths or the machine: a full disk becomes 507
 * `UNKNOWN` "the registry's disk is full" (the cause the operator must act on, named without a
 * path), every other failure a bare 500 `UNKNOWN`. The cause itself only goes to the server's
 * log.
 */
export function publicError(error: unknown): OciError {
  const chosen = chosenAnswer(error)
  if (chosen !== undefined) return chosen
  if (isDiskFull(error)) {
    return new OciError('UNKNOWN', { status: 507, message: "the registry's disk is full" })
  }
  return new OciError('UNKNOWN')
}

/**
 * The answer `error` stands for when it is one chosen on purpose (an `OciError`, or a repository
 * whose metadata would outgrow the limit); `undefined` for a failure of the server. The request
 * log tells the two apart by it: a refusal is the client's, not a fault to log with its stack.
 */
export function chosenAnswer(error: unknown): OciError | undefined {
  if (error instanceof OciError) return error
  if (error instanceof RepositoryMetadataFull) {
    const { repository, bytes, limit } = error
    return new OciError('DENIED', { message: error.message, detail: { repository, bytes, limit } })
  }
  return undefined
}

// The disk can be full under a wrapping error too (a write failing inside a larger step).
function isDiskFull(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 4) return false
  const { code } = error as NodeJS.ErrnoException
  return (code !== undefined && DISK_FULL.has(code)) || isDiskFull(error.cause, depth + 1)
}
