import { spawn, spawnSync } from 'node:child_process'
import { CLI } from './registry-process.js'

/** What a finished run of the command printed, and how it exited. */
export interface CliResult {
  status: number | null
  stdout: string
  stderr: string
}

// The tests decide the admin password; one from the developer's shell must not leak in.
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { ARTIFACT_REGISTRY_ADMIN_PASSWORD: _, ...rest } = process.env
  return { ...rest, ...env }
}

/** Run `artifact-registry-local` to completion (for commands that exit on their own). */
export function runCli(args: readonly string[], env: Record<string, string> = {}): CliResult {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: cleanEnv(env),
    timeout: 30_000,
  })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

/** A server started with the command, running until `stop()`. */
export interface CliServer extends AsyncDisposable {
  readonly url: string
  readonly pid: number
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string }
  /** Wait until stderr holds a line matching `pattern` (log lines come after the response). */
  waitForStderr(pattern: RegExp): Promise<string>
  /** SIGTERM, and the exit status once it has stopped. */
  stop(): Promise<number | null>
}

/** Start `artifact-registry-local <args>` and wait until it has said where it listens and who the admin is. */
export async function startCli(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CliServer> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  const waiters = new Set<() => void>()
  const notify = (): void => {
    for (const waiter of waiters) waiter()
  }
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    notify()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
    notify()
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  const until = <T>(find: () => T | undefined, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const check = (): void => {
        const found = find()
        if (found === undefined) return
        waiters.delete(check)
        resolve(found)
      }
      waiters.add(check)
      check()
      void exited.then(() => {
        if (!waiters.has(check)) return
        waiters.delete(check)
        reject(new Error(`exited before ${what}:\n${stdout}\n${stderr}`))
      })
    })
  const url = await until(
    () =>
      /^admin credential: .*\n/m.test(stdout)
        ? stdout.match(/listening on (https?:\/\/\S+)/)?.[1]
        : undefined,
    'listening',
  )
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    return exited
  }
  return {
    url,
    pid: child.pid ?? 0,
    output: () => ({ stdout, stderr }),
    waitForStderr: (pattern) =>
      until(
        () => stderr.split('\n').find((line) => pattern.test(line)),
        `stderr matched ${pattern}`,
      ),
    stop,
    [Symbol.asyncDispose]: async () => {
      await stop()
    },
  }
}

/** `Authorization: Basic …` for a username and password. */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
}
