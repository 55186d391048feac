import { readFile } from 'node:fs/promises'
import { ArtifactRegistryError, describeJsonSyntaxError } from '@artifact-registry/core'
import { duplicateKeyIssues } from './duplicate-keys.js'

// A JSON file the user names on the command line (`what` says which: `binding file`, `options
// file`). Its errors are INVALID_CONFIG naming the file, with one issue whose path is the file.

/** The text of the file; one that cannot be read is `INVALID_CONFIG` naming it and why. */
export async function readConfigFile(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new ArtifactRegistryError(
      'INVALID_CONFIG',
      `Cannot read the ${what} ${file} (${reason})`,
      {
        cause,
        issues: [{ path: file, message: `cannot be read (${reason})` }],
      },
    )
  }
}

/**
 * `JSON.parse` of the file's text. Text that is not JSON is `INVALID_CONFIG` naming the file and
 * the position only, without the `SyntaxError` as cause: its message quotes the text, which may
 * hold a password. So is a key given twice in one object: `JSON.parse` keeps the last, while
 * whoever reviews the file reads the first (a second `roles` or `url` further down would decide
 * where credentials are minted and sent).
 */
export function parseConfigJson(text: string, what: string, file: string): unknown {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    const problem = `is not valid JSON (${describeJsonSyntaxError(text)})`
    throw new ArtifactRegistryError('INVALID_CONFIG', `The ${what} ${file} ${problem}`, {
      issues: [{ path: file, message: problem }],
    })
  }
  const duplicates = duplicateKeyIssues(text)
  if (duplicates.length > 0) {
    const keys = duplicates.map((issue) => issue.path).join(', ')
    throw new ArtifactRegistryError(
      'INVALID_CONFIG',
      `The ${what} ${file} gives a key more than once (${keys}): keep one of each`,
      { issues: duplicates },
    )
  }
  return json
}
