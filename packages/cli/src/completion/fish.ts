import { allNodes, type CompletionNode } from './command-tree.js'

/**
 * The fish completion script: `artifact-registry completion fish | source`, or save it as
 * `~/.config/fish/completions/artifact-registry.fish`. One `complete` line per subcommand and flag,
 * each offered only once the path to its command was typed.
 */
export function fishCompletion(tree: CompletionNode, bin: string): string {
  const lines = [`# ${bin} completion for fish. Load it with: ${bin} completion fish | source`]
  for (const node of allNodes(tree)) {
    const here = condition(node)
    for (const sub of node.subcommands) {
      lines.push(
        `complete -c ${bin} -f -n ${quote(here)} -a ${quote(sub.path.at(-1) ?? '')} -d ${quote(sub.description)}`,
      )
    }
    if (node.argumentChoices.length > 0) {
      // Offered until one of them is typed: the argument comes once.
      const untyped = `${here}; and not __fish_seen_subcommand_from ${node.argumentChoices.join(' ')}`
      lines.push(
        `complete -c ${bin} -f -n ${quote(untyped)} -a ${quote(node.argumentChoices.join(' '))}`,
      )
    }
    for (const option of node.options) {
      const value = option.takesValue
        ? option.choices.length > 0
          ? ` -x -a ${quote(option.choices.join(' '))}`
          : ' -r'
        : ''
      lines.push(
        `complete -c ${bin} -n ${quote(here)} -l ${option.flag.slice(2)}${value} -d ${quote(option.description)}`,
      )
    }
  }
  return `${lines.join('\n')}\n`
}

/** True in fish when exactly `node`'s path has been typed: its names seen, no subcommand after. */
function condition(node: CompletionNode): string {
  const seen = node.path.map((name) => `__fish_seen_subcommand_from ${name}`)
  const next = node.subcommands.map((sub) => sub.path.at(-1) ?? '')
  const notFurther = next.length > 0 ? [`not __fish_seen_subcommand_from ${next.join(' ')}`] : []
  if (node.path.length === 0) return '__fish_use_subcommand'
  return [...seen, ...notFurther].join('; and ')
}

/** A fish single-quoted string. */
function quote(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}
