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
  stdout.once('error', (error: NodeJS.ErrnoException) => {
    stderr.write(`${program}: cannot write the output (${error.code ?? error.message})\n`)
    exit(EXIT.failure)
  })
}
