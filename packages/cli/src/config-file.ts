import { readFile } from 'node:fs/promises'
import { ArtifactRegistryError, describeJsonSyntaxError } from '@artifact-registry/core'

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
 * hold a password.
 */
export function parseConfigJson(text: string, what: string, file: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    const problem = `is not valid JSON (${describeJsonSyntaxError(text)})`
    throw new ArtifactRegistryError('INVALID_CONFIG', `The ${what} ${file} ${problem}`, {
      issues: [{ path: file, message: problem }],
    })
  }
}
