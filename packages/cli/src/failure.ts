import { type ArtifactRegistryError, isArtifactRegistryError } from '@artifact-registry/core'
import { CommanderError } from 'commander'
import { changesBeforeFailure, describeChange } from './changes-before-failure.js'
import { ERROR_EXIT_CODES, EXIT } from './exit-codes.js'

/** A command line that cannot run as given (exit status 2), found after parsing. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/**
 * The command was cancelled by SIGINT (exit status 130). `message` says more than `interrupted`
 * when the command dealt with something on its way out (credentials it had minted).
 */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError'
  constructor(message = 'interrupted', options?: ErrorOptions) {
    super(message, options)
  }
}

/** The exit status for an error thrown by a command. */
export function exitCodeOf(error: unknown): number {
  if (isArtifactRegistryError(error)) return ERROR_EXIT_CODES[error.code] ?? EXIT.failure
  if (error instanceof InterruptedError) return EXIT.interrupted
  if (isUsageError(error)) return EXIT.usage
  return EXIT.failure
}

/** Whether the error says the command line is wrong (ours, commander's, the registry server's). */
export function isUsageError(error: unknown): boolean {
  if (error instanceof UsageError || error instanceof CommanderError) return true
  // `serve`'s own flag checks (the registry server's UsageError, not exported).
  return error instanceof Error && error.name === 'UsageError'
}

/**
 * The text of a failure for stderr: the error's message and, with `verbose`, each cause on its own
 * line. Never a stack trace: messages are written for the reader, stacks for a debugger.
 */
export function describeFailure(error: unknown, verbose: boolean): string {
  // A configuration error's message already names every issue; `--json` lists them apart.
  const lines = [messageOf(error)]
  if (verbose) for (const cause of causesOf(error)) lines.push(`  caused by: ${cause}`)
  const changes = changesBeforeFailure(error)
  if (changes !== undefined) {
    lines.push(
      'Changes begun before it stopped (the last may not have been made; the same command run again goes on from there):',
      ...changes.map((change) => `  ${describeChange(change)}`),
    )
  }
  return lines.join('\n')
}

/** The stable JSON of a failure (`--json`): `{ error: { code, message, … } }`. */
export function failureJson(error: unknown, verbose: boolean): { error: Record<string, unknown> } {
  const code = isArtifactRegistryError(error)
    ? error.code
    : isUsageError(error)
      ? 'USAGE'
      : error instanceof InterruptedError
        ? 'INTERRUPTED'
        : 'FAILURE'
  const details = isArtifactRegistryError(error) ? registryErrorFields(error) : {}
  return {
    error: {
      code,
      message: messageOf(error),
      exitCode: exitCodeOf(error),
      ...details,
      ...(changesBeforeFailure(error) !== undefined && {
        changesBeforeFailure: changesBeforeFailure(error),
      }),
      ...(verbose && { causes: causesOf(error) }),
    },
  }
}

// --- Internal ---

function registryErrorFields(error: ArtifactRegistryError): Record<string, unknown> {
  return { platform: error.platform, retryable: error.retryable, issues: error.issues }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** `name: message` of each error in the `cause` chain, outermost first (cycles cut). */
function causesOf(error: unknown): string[] {
  const causes: string[] = []
  const seen = new Set<unknown>([error])
  let cause = error instanceof Error ? error.cause : undefined
  while (cause !== undefined && !seen.has(cause)) {
    seen.add(cause)
    causes.push(cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause))
    cause = cause instanceof Error ? cause.cause : undefined
  }
  return causes
}
