/**
 * A shell function printing the words of the first matching key: `name KEY` prints the words
 * given for KEY, nothing for an unknown one. Keys and words are command and flag names (letters,
 * digits, `-`, spaces), so they are safe in double quotes.
 */
export function caseFunction(
  name: string,
  entries: readonly (readonly [string, readonly string[]])[],
): string {
  const branches = entries
    .filter(([, words]) => words.length > 0)
    .map(([key, words]) => `    "${key}") echo "${words.join(' ')}" ;;`)
  return [`${name}() {`, '  case "$1" in', ...branches, '  esac', '}'].join('\n')
}
