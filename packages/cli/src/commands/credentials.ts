import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import type { Command } from 'commander'
import { Option } from 'commander'
import { type CommandContext, withBindingOptions } from '../context.js'
import {
  CREDENTIAL_FORMATS,
  type CredentialFormat,
  credentialsEnv,
  credentialsJson,
  credentialsSummary,
} from '../credentials-output.js'
import { OutputNotWrittenError, writeOutput } from '../output-failure.js'
import { retireUnusedCredentials } from '../unused-credentials.js'
import { type MintOptions, permissionOption, ttlOption } from './mint.js'
import { mintThroughInterrupt } from './mint-through-interrupt.js'

/** `credentials NAME [--permission] [--ttl] [--format json|env|password]`. */
export function addCredentialsCommand(program: Command, context: CommandContext): void {
  withBindingOptions(
    program.command('credentials').argument('<name>', 'routable name of the repository'),
  )
    .description('mint credentials for one repository and one permission')
    .addOption(permissionOption())
    .addOption(ttlOption())
    .addOption(
      new Option(
        '--format <format>',
        'print json, shell assignments (env), or the password alone',
      ).choices(CREDENTIAL_FORMATS),
    )
    .action(
      async (
        name: string,
        options: MintOptions & { format?: CredentialFormat },
        command: Command,
      ) => {
        const terminal = context.terminal(command)
        const format = options.format ?? (terminal.json ? 'json' : undefined)
        // Written while the registry is open: credentials that never reach their reader (a full
        // disk behind `> file`, a pipe whose reader left, Ctrl-C during the mint) are taken back
        // where the platform can.
        await context.withRegistryUntilSettled(command, async (registry) => {
          const credentials = await mintThroughInterrupt(context, registry, name, options)
          const failure = await writeOutput(terminal.io.stdout, rendered(credentials, format))
          if (failure === undefined) return
          throw await retireUnusedCredentials(
            registry,
            credentials,
            failure,
            (message, cause) => new OutputNotWrittenError(message, cause),
          )
        })
      },
    )
}

function rendered(
  credentials: ArtifactRegistryCredentials,
  format: CredentialFormat | undefined,
): string {
  if (format === 'json') return `${JSON.stringify(credentialsJson(credentials), null, 2)}\n`
  if (format === 'env') return `${credentialsEnv(credentials)}\n`
  if (format === 'password') return `${credentials.password}\n`
  return `${credentialsSummary(credentials)}\n`
}
