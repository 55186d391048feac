import type { Command, Option } from 'commander'

/** One command of the program as completion scripts need it. */
export interface CompletionNode {
  /** Names from the program down, e.g. `['repo', 'create']`; empty for the program. */
  readonly path: readonly string[]
  readonly description: string
  /** Names of its subcommands. */
  readonly subcommands: readonly CompletionNode[]
  /** Its long flags (with the program's, which work everywhere), each with its choices. */
  readonly options: readonly CompletionOption[]
  /** The values its first argument accepts (`provision`'s platform), or none. */
  readonly argumentChoices: readonly string[]
}

/** A long flag: `--permission`, whether it takes a value, and the values it accepts. */
export interface CompletionOption {
  readonly flag: string
  readonly description: string
  readonly takesValue: boolean
  readonly choices: readonly string[]
}

/** The program's commands, read from commander's own definitions, so completion never drifts. */
export function commandTree(program: Command): CompletionNode {
  const globals = program.options.map(completionOption).filter((o) => o !== undefined)
  const walk = (command: Command, path: readonly string[]): CompletionNode => ({
    path,
    description: command.description(),
    subcommands: command.commands
      .filter((sub) => sub.name() !== 'help')
      .map((sub) => walk(sub, [...path, sub.name()])),
    options: [
      ...(path.length === 0 ? [] : globals),
      ...command.options.map(completionOption).filter((o) => o !== undefined),
      HELP,
    ],
    argumentChoices: command.registeredArguments[0]?.argChoices ?? [],
  })
  return walk(program, [])
}

/** Every node of the tree, the program first. */
export function allNodes(node: CompletionNode): CompletionNode[] {
  return [node, ...node.subcommands.flatMap(allNodes)]
}

const HELP: CompletionOption = {
  flag: '--help',
  description: 'show help',
  takesValue: false,
  choices: [],
}

function completionOption(option: Option): CompletionOption | undefined {
  if (option.long === undefined) return undefined
  return {
    flag: option.long,
    description: option.description,
    takesValue: option.required || option.optional,
    choices: option.argChoices ?? [],
  }
}
