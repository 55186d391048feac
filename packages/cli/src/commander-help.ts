import type { CommanderError } from 'commander'

/** Commander's "errors" that are a successful end: help or the version was printed. */
const PRINTED: ReadonlySet<string> = new Set(['commander.helpDisplayed', 'commander.version'])

/**
 * Whether commander's error is output it printed because it was asked for: `--help`, `--version`,
 * or the `help` command (`help repo`), which commander ends as `commander.help` with status 0. The
 * same code with status 1 is help printed for a command line that names no subcommand (`repo`
 * alone): a usage error.
 */
export function isRequestedHelp(error: CommanderError): boolean {
  return PRINTED.has(error.code) || (error.code === 'commander.help' && error.exitCode === 0)
}
