import { EXIT } from './exit-codes.js'
import type { OutputStream } from './io.js'

/**
 * End the command with one line on stderr and {@link EXIT.failure} when `stdout` cannot be
 * written (a full disk behind `> file`, a reader gone from a pipe): Node reports that as an
 * `error` event after the write returned, which nothing handled, so the user got an uncaught
 * exception's stack trace instead of the message every other failure prints. The result is not
 * delivered, so the status is a failure whatever the command did. Errors of `stderr` itself are
 * ignored: there is nowhere left to say them, and the exit status still tells.
 */
export function failOnOutputError(
  program: string,
  stdout: OutputStream,
  stderr: OutputStream,
  exit: (status: number) => void,
): void {
  stderr.on('error', () => {})
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    // A command that saw its write fail reports it itself, once it has dealt with what the output
    // carried (see `writeOutput`).
    if (claimed.has(error)) return
    stderr.write(`${program}: cannot write the output (${error.code ?? error.message})\n`)
    exit(EXIT.failure)
  })
}

/** The output could not be written: what it carried never reached its reader. */
export class OutputNotWrittenError extends Error {
  override readonly name = 'OutputNotWrittenError'
}

/**
 * Write `text` to `stdout` and resolve once it is written, or with an {@link OutputNotWrittenError}
 * when it cannot be. The write's error is then the caller's to report: {@link failOnOutputError}
 * leaves it alone, where it would have ended the process at once, before the caller could take
 * back a secret the output carried. (Node calls a write's callback before it emits the error.)
 */
export function writeOutput(
  stdout: OutputStream,
  text: string,
): Promise<OutputNotWrittenError | undefined> {
  return new Promise((resolve) => {
    stdout.write(text, (error?: Error | null) => {
      if (error === undefined || error === null) {
        resolve(undefined)
        return
      }
      claimed.add(error)
      const code = (error as NodeJS.ErrnoException).code ?? error.message
      resolve(new OutputNotWrittenError(`cannot write the output (${code})`, { cause: error }))
    })
  })
}

// --- Internal ---

/** Errors of stdout a command reports itself. */
const claimed = new WeakSet<Error>()
