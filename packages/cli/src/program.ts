import { Command } from 'commander'
import { addAccessCommands } from './commands/access.js'
import { addCompletionCommand } from './commands/completion.js'
import { addCredentialsCommand } from './commands/credentials.js'
import { addLoginCommand } from './commands/login.js'
import { addProvisionCommands } from './commands/provision.js'
import { addRepoCommands } from './commands/repo.js'
import { addRevokeCommand } from './commands/revoke.js'
import { addServeCommand } from './commands/serve.js'
import type { CommandContext } from './context.js'
import { packageVersion } from './version.js'

/** The program's name, as npm links it and as completion scripts register it. */
export const BIN = 'artifact-registry'

/**
 * The `artifact-registry` program. Commander parses; it throws (never exits) on a usage error,
 * `--help` or `--version`, so `main` decides every exit status in one place.
 */
export function createProgram(context: CommandContext): Command {
  const program = new Command(BIN)
    .description('Container-image repositories on ECR, Artifact Registry, ACR and a local registry')
    .version(packageVersion(), '--version', 'print the version')
    .option('--json', 'print results as JSON (stable shapes, see the README)')
    .option('--verbose', 'add the cause chain to error messages')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (text) => context.io.stdout.write(text),
      writeErr: (text) => context.io.stderr.write(text),
    })
    .showHelpAfterError(`(${BIN} --help for usage)`)
    .exitOverride()
  addRepoCommands(program, context)
  addCredentialsCommand(program, context)
  addLoginCommand(program, context)
  addRevokeCommand(program, context)
  addAccessCommands(program, context)
  addProvisionCommands(program, context)
  addServeCommand(program, context)
  addCompletionCommand(program, context)
  return program
}
