import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ERROR_EXIT_CODES } from '../src/index.js'
import { cli, type RunResult, temporaryDirectory } from './support/command.js'

const work = await temporaryDirectory('cli-json-errors-')
afterAll(() => work[Symbol.asyncDispose]())

// The password is not quoted, so the text is not JSON; JSON.parse's SyntaxError would quote it.
const SECRET = 'Hunter2-from-the-binding'
const BROKEN = `{"platform":"local","url":"http://127.0.0.1:9",\n "adminCredentials":{"username":"admin","password":${SECRET}}}`
// Where the unquoted password starts: line 2, after ` "adminCredentials":{"username":"admin","password":`.
const POSITION = 'line 2, column 52'

/** The same command plainly, with --verbose and with --json --verbose. */
async function everyOutput(args: string[], env?: Record<string, string>): Promise<RunResult[]> {
  return Promise.all(
    [[], ['--verbose'], ['--json', '--verbose']].map((extra) => cli([...args, ...extra], { env })),
  )
}

function expectNoSecret(results: RunResult[], message: string): void {
  for (const result of results) {
    expect(result.status).toBe(ERROR_EXIT_CODES.INVALID_CONFIG)
    expect(result.stdout + result.stderr).not.toContain(SECRET)
    expect(result.stdout + result.stderr).not.toContain('Hunter2')
    expect(result.stderr).toContain(message)
  }
  const json = JSON.parse(results[2]?.stderr ?? '')
  expect(json.error).toMatchObject({ code: 'INVALID_CONFIG', causes: [] })
}

describe('text that is not JSON is reported by position, never quoted (it may hold a password)', () => {
  it('a binding file', async () => {
    const file = join(work.dir, 'binding.json')
    await writeFile(file, BROKEN, { mode: 0o600 })
    expectNoSecret(
      await everyOutput(['repo', 'get', 'app', '--binding-file', file]),
      `The binding file ${file} is not valid JSON (${POSITION})`,
    )
  })

  it('a binding variable', async () => {
    expectNoSecret(
      await everyOutput(['repo', 'get', 'app', '--binding', 'leaky'], {
        ARTIFACT_REGISTRY_LEAKY_BINDING: BROKEN,
      }),
      `ARTIFACT_REGISTRY_LEAKY_BINDING is not valid JSON (${POSITION})`,
    )
  })

  it('a provisioning options file', async () => {
    const file = join(work.dir, 'options.json')
    await writeFile(file, BROKEN, { mode: 0o600 })
    expectNoSecret(
      await everyOutput(['provision', 'local', '--options-file', file, '--dry-run']),
      `The options file ${file} is not valid JSON (${POSITION})`,
    )
  })
})
