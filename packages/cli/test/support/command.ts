import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { packageBin } from '@artifact-registry/test-kit'

/** The commands as npm links them (their launchers load the build): tests run them as users do. */
export const CLI = packageBin('@artifact-registry/cli', 'artifact-registry', import.meta.url)
export const HELPER = packageBin(
  '@artifact-registry/cli',
  'docker-credential-artifact-registry',
  import.meta.url,
)

if (!existsSync(new URL('../../dist/cli.js', import.meta.url))) {
  throw new Error(
    'packages/cli is not built: run `npx tsc -b packages/cli/tsconfig.lib.json` first',
  )
}

/** Every command of `artifact-registry`: its help and its shell completion offer each. */
export const COMMANDS: readonly string[] = [
  'repo',
  'credentials',
  'login',
  'revoke',
  'access',
  'provision',
  'deprovision',
  'serve',
  'completion',
]

/** How a run of a command ended. */
export interface RunResult {
  status: number | null
  stdout: string
  stderr: string
}

/** Options of {@link run}. */
export interface RunOptions {
  /** Variables over a clean copy of this process's environment (no binding variables leak in). */
  env?: Record<string, string | undefined>
  /** Written to stdin, then closed. */
  input?: string
  cwd?: string
  /** Called once the child runs (to signal it). */
  started?: (child: ChildProcess) => void
}

/** The environment a command runs in: this process's, without any binding or helper settings. */
export function cleanEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !/^(ARTIFACT_REGISTRY_|ALIEN_).*_BINDING$/.test(key) &&
        key !== 'ARTIFACT_REGISTRY_HELPER_CONFIG' &&
        key !== 'ARTIFACT_REGISTRY_ADMIN_PASSWORD',
    ),
  )
  const merged: NodeJS.ProcessEnv = { ...base }
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete merged[key]
    else merged[key] = value
  }
  return merged
}

/** Run a bin (`CLI` or `HELPER`) to completion, asynchronously: in-process servers keep answering. */
export function run(
  bin: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: cleanEnv(options.env),
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.once('error', reject)
    child.once('close', (status) => resolve({ status, stdout, stderr }))
    child.stdin.end(options.input ?? '')
    options.started?.(child)
  })
}

/** `artifact-registry args…`. */
export function cli(args: readonly string[], options?: RunOptions): Promise<RunResult> {
  return run(CLI, args, options)
}

/** `JSON.parse` of a run's stdout, failing with the run's output when it is not JSON. */
export function parseJson<T = Record<string, unknown>>(result: RunResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`not JSON (exit ${result.status}):\n${result.stdout}\n${result.stderr}`)
  }
}

/** A temporary directory, removed on dispose. */
export async function temporaryDirectory(
  prefix: string,
): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  return { dir, [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) }
}

/** Write `binding` as JSON to `dir/name` (0600) and return its path. */
export async function writeBindingFile(
  dir: string,
  binding: object,
  name = 'binding.json',
): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, JSON.stringify(binding), { mode: 0o600 })
  return path
}
