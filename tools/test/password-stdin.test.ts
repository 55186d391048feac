import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repositoryFiles } from './repo-files.js'
import { REPO_ROOT } from './repo-root.js'

// A password on a command line is seen by every user of the machine (`ps`) and kept in shell
// history, and readers copy the docs' login lines as they are. Every login the docs show takes the
// password on stdin.

/** A registry login with its password in an argument: `-p`, `--password x`, `--password=x`. */
const PASSWORD_ARGUMENT =
  /\b(?:docker|podman|skopeo|buildah|helm|oras) login\b.*\s(?:-p|--password(?!-stdin))(?:[\s=]|$)/

/** Each documentation line (Markdown, and the example sources the READMEs' snippets come from). */
function passwordArguments(files: readonly string[]): string[] {
  return files.flatMap((file) =>
    readFileSync(join(REPO_ROOT, file), 'utf8')
      .split('\n')
      .flatMap((line, index) =>
        PASSWORD_ARGUMENT.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [],
      ),
  )
}

describe('registry logins in the docs', () => {
  it('take the password on stdin, never as an argument', () => {
    const docs = repositoryFiles().filter(
      (file) =>
        (file.endsWith('.md') &&
          !/(^|\/)CHANGELOG\.md$/.test(file) &&
          !file.startsWith('.changeset/')) ||
        /(^|\/)(test|src)\/.*\.ts$/.test(file),
    )
    expect(docs.length).toBeGreaterThan(10)
    // This file's own examples of what is refused are left out.
    const found = passwordArguments(
      docs.filter((file) => file !== 'tools/test/password-stdin.test.ts'),
    )
    expect(found).toEqual([])
  })

  it('tell a password argument from --password-stdin', () => {
    const refused = [
      'docker login host -u oauth2accesstoken -p "$password"',
      'podman login --password secret host',
      'docker login --password=secret host',
      '// docker login host -u user -p …',
    ]
    const accepted = [
      'docker login --username AWS --password-stdin host',
      'echo "$password" | docker login host -u oauth2accesstoken --password-stdin',
      'skopeo copy --authfile auth.json docker://a docker://b',
    ]
    expect(refused.filter((line) => !PASSWORD_ARGUMENT.test(line))).toEqual([])
    expect(accepted.filter((line) => PASSWORD_ARGUMENT.test(line))).toEqual([])
  })
})
