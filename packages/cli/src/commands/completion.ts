import { Argument, type Command } from 'commander'
import { bashCompletion } from '../completion/bash.js'
import { commandTree } from '../completion/command-tree.js'
import { fishCompletion } from '../completion/fish.js'
import { zshCompletion } from '../completion/zsh.js'
import type { CommandContext } from '../context.js'

const SHELLS = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion } as const

/** `completion bash|zsh|fish`: print the shell's completion script. */
export function addCompletionCommand(program: Command, context: CommandContext): void {
  program
    .command('completion')
    .description('print the shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'the shell').choices(Object.keys(SHELLS)))
    .action((shell: keyof typeof SHELLS, _options: object, command: Command) => {
      const script = SHELLS[shell](commandTree(program), program.name())
      context.terminal(command).result({ shell, script }, () => script.trimEnd())
    })
}
