import { completionTables, functionName } from './bash.js'
import type { CompletionNode } from './command-tree.js'

/**
 * The zsh completion script: `eval "$(artifact-registry completion zsh)"` after `compinit`, or
 * save it as `_artifact-registry` in a directory of `$fpath`. Same lookup as bash's.
 */
export function zshCompletion(tree: CompletionNode, bin: string): string {
  const fn = functionName(bin)
  return `#compdef ${bin}
# ${bin} completion for zsh. Load it with: eval "$(${bin} completion zsh)"
${completionTables(tree, fn)}
${fn}() {
  local word cmdpath="" i
  local -a known candidates
  for ((i = 2; i < CURRENT; i++)); do
    word="\${words[i]}"
    known=(\${=$(${fn}_commands "$cmdpath")})
    if (( \${known[(Ie)$word]} )); then cmdpath="\${cmdpath:+$cmdpath }$word"; fi
  done
  # A flag typed where the command's argument goes (\`provision --dry-run\`) is completed as one.
  if [[ "\${words[CURRENT]}" != -* || "\${words[CURRENT-1]}" == -* ]]; then
    candidates=(\${=$(${fn}_choices "$cmdpath \${words[CURRENT-1]}")})
  fi
  if (( ! \${#candidates} )); then
    if [[ "\${words[CURRENT]}" == -* ]]; then
      candidates=(\${=$(${fn}_options "$cmdpath")})
    else
      candidates=(\${=$(${fn}_commands "$cmdpath")})
    fi
  fi
  if (( \${#candidates} )); then compadd -- "\${candidates[@]}"; else _files; fi
}
compdef ${fn} ${bin}
`
}
