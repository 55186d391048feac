import { caseFunction } from './case-function.js'
import { allNodes, type CompletionNode } from './command-tree.js'

/**
 * The bash completion script: `eval "$(artifact-registry completion bash)"`, or save it under
 * `~/.local/share/bash-completion/completions/artifact-registry`. It finds the subcommand path
 * typed so far, then offers that command's subcommands, its flags after `-`, a flag's choices
 * after the flag, and file names otherwise.
 */
export function bashCompletion(tree: CompletionNode, bin: string): string {
  const fn = functionName(bin)
  return `# ${bin} completion for bash. Load it with: eval "$(${bin} completion bash)"
${completionTables(tree, fn)}
${fn}() {
  local cur prev word path="" i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case " $(${fn}_commands "$path") " in
      *" $word "*) path="\${path:+$path }$word" ;;
    esac
  done
  local choices
  choices="$(${fn}_choices "$path $prev")"
  # A flag typed where the command's argument goes (\`provision --dry-run\`) is completed as one.
  if [[ -n "$choices" && ( "$cur" != -* || "$prev" == -* ) ]]; then
    COMPREPLY=($(compgen -W "$choices" -- "$cur"))
  elif [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(${fn}_options "$path")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(${fn}_commands "$path")" -- "$cur"))
  fi
}
complete -o default -F ${fn} ${bin}
`
}

/**
 * The three lookup functions bash and zsh share (POSIX \`case\`, valid in both): subcommands and
 * flags by command path, and choices by "path flag". A command's argument choices are keyed by
 * "path command", as if the command were a flag: both shells look choices up by the word before
 * the cursor, and that word is the command itself where its argument goes (`provision <Tab>`).
 */
export function completionTables(tree: CompletionNode, fn: string): string {
  const nodes = allNodes(tree)
  const key = (node: CompletionNode): string => node.path.join(' ')
  return [
    caseFunction(
      `${fn}_commands`,
      nodes.map((node) => [key(node), node.subcommands.map((sub) => sub.path.at(-1) ?? '')]),
    ),
    caseFunction(
      `${fn}_options`,
      nodes.map((node) => [key(node), node.options.map((option) => option.flag)]),
    ),
    caseFunction(
      `${fn}_choices`,
      nodes.flatMap((node) => [
        ...node.options
          .filter((option) => option.choices.length > 0)
          .map((option): [string, readonly string[]] => [
            `${key(node)} ${option.flag}`,
            option.choices,
          ]),
        [`${key(node)} ${node.path.at(-1) ?? ''}`, node.argumentChoices] as const,
      ]),
    ),
  ].join('\n')
}

/** A shell function name for the command: `artifact-registry` → `_artifact_registry`. */
export function functionName(bin: string): string {
  return `_${bin.replace(/[^A-Za-z0-9]/g, '_')}`
}
