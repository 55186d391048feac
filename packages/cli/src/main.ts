import { CommanderError } from 'commander'
import { isRequestedHelp } from './commander-help.js'
import { CommandContext } from './context.js'
import { EXIT } from './exit-codes.js'
import { describeFailure, exitCodeOf, failureJson, isUsageError } from './failure.js'
import { interruptOnSigint } from './interrupt.js'
import type { CommandIo } from './io.js'
import { BIN, createProgram } from './program.js'

/** Run the command line `argv` (without node and the script) and return the exit status. */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  using interrupt = interruptOnSigint()
  const program = createProgram(new CommandContext(io, interrupt.signal))
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return EXIT.ok
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed the problem (or the help) already.
      return isRequestedHelp(error) ? EXIT.ok : EXIT.usage
    }
    const { json, verbose } = program.opts<{ json?: boolean; verbose?: boolean }>()
    if (json === true) {
      io.stderr.write(`${JSON.stringify(failureJson(error, verbose === true))}\n`)
    } else {
      io.stderr.write(`${describeFailure(error, verbose === true)}\n`)
      if (isUsageError(error)) io.stderr.write(`(${BIN} --help for usage)\n`)
    }
    return exitCodeOf(error)
  }
}
