import { type Command, Option } from 'commander'
import { type BindingSource, bindingFilePasswordVariable } from '../binding.js'
import {
  ClientLoginError,
  checkBasicAuth,
  checkInsecureFlag,
  clientEnvironment,
  clientNotInstalled,
  LOGIN_CLIENTS,
  type LoginClient,
  runClientLogin,
} from '../client-login.js'
import { type CommandContext, withBindingOptions } from '../context.js'
import { isoOrNull, relativeTime } from '../format.js'
import { lookUpClient } from '../installed-client.js'
import { retireUnusedCredentials } from '../unused-credentials.js'
import { type MintOptions, permissionOption, ttlOption } from './mint.js'
import { mintThroughInterrupt } from './mint-through-interrupt.js'

/** `login NAME [--permission] [--ttl] [--client docker|podman|buildah|skopeo] [--insecure]`. */
export function addLoginCommand(program: Command, context: CommandContext): void {
  withBindingOptions(program.command('login').argument('<name>', 'routable name of the repository'))
    .description(
      "mint credentials and log a registry client in with them (password on the client's stdin)",
    )
    .addOption(permissionOption())
    .addOption(ttlOption())
    .addOption(
      new Option('--client <client>', 'the client to log in')
        .choices(LOGIN_CLIENTS)
        .default('docker'),
    )
    .option(
      '--insecure',
      'podman, buildah, skopeo: --tls-verify=false (a plain-HTTP registry)',
      false,
    )
    .action(
      async (
        name: string,
        options: MintOptions & { client: LoginClient; insecure: boolean },
        command: Command,
      ) => {
        const terminal = context.terminal(command)
        // Refused before anything is minted: flags, a client or a credential type that cannot work.
        checkInsecureFlag(options.client, options.insecure)
        const lookup = await lookUpClient(options.client, context.io.env)
        if (lookup === 'missing') throw clientNotInstalled(options.client)
        if (lookup === 'not executable') {
          throw new ClientLoginError(`${options.client} on PATH cannot be run (not executable)`)
        }
        const passwordVariable = await bindingFilePasswordVariable(
          command.optsWithGlobals<BindingSource>(),
        )
        const env = clientEnvironment(context.io.env, passwordVariable ? [passwordVariable] : [])
        // Ctrl-C during the mint takes back what it made; during the login, the client's run
        // takes the signal.
        const { credentials, said } = await context.withRegistryUntilSettled(
          command,
          async (registry) => {
            checkBasicAuth(options.client, registry.capabilities.credentialAuthMethod)
            const credentials = await mintThroughInterrupt(context, registry, name, options)
            terminal.progress(`logging ${options.client} in to ${credentials.registry}…`)
            try {
              const said = await runClientLogin(options.client, credentials, {
                insecure: options.insecure,
                env,
                signal: context.signal,
              })
              return { credentials, said }
            } catch (error) {
              // Interrupted, the client may have stored them: only a refused login retires them.
              if (!(error instanceof ClientLoginError)) throw error
              throw await retireUnusedCredentials(
                registry,
                credentials,
                error,
                (message, cause) => new ClientLoginError(message, cause),
              )
            }
          },
        )
        // The client's own words (warnings about where it keeps the password) stay off stdout.
        if (said.stderr.trim() !== '') context.io.stderr.write(said.stderr)
        const summary = {
          client: options.client,
          registry: credentials.registry,
          username: credentials.username,
          expiresAt: isoOrNull(credentials.expiresAt),
        }
        terminal.result(
          summary,
          () =>
            `${options.client} logged in to ${credentials.registry} as ${credentials.username} (expires ${relativeTime(credentials.expiresAt)})`,
        )
      },
    )
}
