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
import { type MintOptions, mintCredentials, permissionOption, ttlOption } from './mint.js'

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
        const credentials = await mintCredentials(context, command, name, options)
        const format = options.format ?? (terminal.json ? 'json' : undefined)
        const out = terminal.io.stdout
        if (format === 'json')
          out.write(`${JSON.stringify(credentialsJson(credentials), null, 2)}\n`)
        else if (format === 'env') out.write(`${credentialsEnv(credentials)}\n`)
        else if (format === 'password') out.write(`${credentials.password}\n`)
        else out.write(`${credentialsSummary(credentials)}\n`)
      },
    )
}
