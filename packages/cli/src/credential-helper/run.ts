import { Command, CommanderError } from 'commander'
import { isRequestedHelp } from '../commander-help.js'
import type { CommandIo } from '../io.js'
import { packageVersion } from '../version.js'
import { CredentialHelper, readAll } from './helper.js'

/** The helper's name, as docker finds it on PATH (`credHelpers` value `artifact-registry`). */
export const HELPER_BIN = 'docker-credential-artifact-registry'

/** A read-only helper refuses `store`: docker then says it could not keep the password. */
export const READ_ONLY =
  'docker-credential-artifact-registry is read-only: it mints credentials from its config, so there is nothing to log in to; remove the host from credHelpers to keep a password for it'

/**
 * Run one action of the docker credential helper protocol: `get`, `list`, `store`, `erase` or
 * `version`. Every failure is one line on stdout and exit status 1, which is how docker reads a
 * helper's errors; nothing is written to stderr, and never a secret.
 */
export async function runCredentialHelper(argv: readonly string[], io: CommandIo): Promise<number> {
  const helper = new CredentialHelper(io.env)
  const print = (text: string): void => {
    io.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }
  const program = new Command(HELPER_BIN)
    .description('docker credential helper: credentials minted by artifact-registry')
    .configureOutput({ writeOut: print, writeErr: print })
    .exitOverride()
  program
    .command('get')
    .description('credentials for the server URL on stdin')
    .action(async () => print(JSON.stringify(await helper.get((await readAll(io.stdin)).trim()))))
  program
    .command('list')
    .description('the configured hosts, with the username of cached credentials')
    .action(async () => print(JSON.stringify(await helper.list())))
  program
    .command('store')
    .description('refused: this helper is read-only')
    .action(async () => {
      await readAll(io.stdin)
      throw new Error(READ_ONLY)
    })
  program
    .command('erase')
    .description('forget the cached credentials of the server URL on stdin')
    .action(async () => helper.erase((await readAll(io.stdin)).trim()))
  program
    .command('version')
    .description('print the version')
    .action(() => print(`${HELPER_BIN} (@artifact-registry/cli) ${packageVersion()}`))
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return 0
  } catch (error) {
    if (error instanceof CommanderError) return isRequestedHelp(error) ? 0 : 1
    print(error instanceof Error ? error.message : String(error))
    return 1
  }
}
