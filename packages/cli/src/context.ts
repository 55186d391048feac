import { type ArtifactRegistry, bindingEnvVariable } from '@artifact-registry/core'
import { type Command, Option } from 'commander'
import { type BindingSource, DEFAULT_BINDING_NAME, openRegistry } from './binding.js'
import { abortable } from './interrupt.js'
import type { CommandIo } from './io.js'
import { Terminal } from './terminal.js'

/** What every command's action gets: the process surroundings and the Ctrl-C signal. */
export class CommandContext {
  readonly io: CommandIo
  /** Aborted by SIGINT; long operations take it. */
  readonly signal: AbortSignal

  constructor(io: CommandIo, signal: AbortSignal) {
    this.io = io
    this.signal = signal
  }

  /** Where `command`'s output goes, with its `--json`. */
  terminal(command: Command): Terminal {
    return new Terminal(this.io, command.optsWithGlobals<{ json?: boolean }>().json === true)
  }

  /**
   * Run `use` with the registry of `command`'s binding flags, closed afterwards. Ctrl-C rejects
   * at once, as the contract's calls take no signal.
   */
  async withRegistry<T>(
    command: Command,
    use: (registry: ArtifactRegistry) => Promise<T>,
  ): Promise<T> {
    return this.withRegistryUntilSettled(command, (registry) =>
      abortable(use(registry), this.signal),
    )
  }

  /**
   * As {@link withRegistry}, but once the registry is open Ctrl-C does not abandon `use`: it runs
   * to its end, the registry open, and must watch {@link signal} itself. For commands that mint:
   * a mint abandoned half-way still makes a credential, which nobody then received or revoked.
   */
  async withRegistryUntilSettled<T>(
    command: Command,
    use: (registry: ArtifactRegistry) => Promise<T>,
  ): Promise<T> {
    const source = command.optsWithGlobals<BindingSource>()
    await using registry = await abortable(openRegistry(source, this.io.env), this.signal)
    return await use(registry)
  }
}

/** Add `--binding NAME` and `--binding-file FILE` (one or the other) to a command. */
export function withBindingOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--binding <name>',
        `binding name: its JSON is in ARTIFACT_REGISTRY_<NAME>_BINDING (or ALIEN_<NAME>_BINDING); by default ${bindingEnvVariable(DEFAULT_BINDING_NAME)}`,
      )
        .default(undefined, DEFAULT_BINDING_NAME)
        .conflicts('bindingFile'),
    )
    .addOption(new Option('--binding-file <file>', 'a file holding the binding JSON'))
}
