import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { basicAuth } from './basic-auth.js'

/** Admin credential {@link RegistryCommand.startRegistryProcess} runs the server with. */
export const ADMIN: { username: string; password: string } = {
  username: 'admin',
  password: 'test-admin-password',
}

/** What a finished run of the command printed, and how it exited. */
export interface CliResult {
  status: number | null
  stdout: string
  stderr: string
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

/** A registry running as a child process, with the {@link ADMIN} credential. */
export interface RegistryProcess extends AsyncDisposable {
  readonly url: string
  readonly child: ChildProcess
  /** `Basic …` of {@link ADMIN}. */
  readonly authorization: string
  /** Peak resident memory of the process so far, in bytes (VmHWM). */
  peakRss(): Promise<number>
  /** SIGKILL: a crash at this instant. */
  kill(): Promise<void>
  /** SIGTERM and wait for a clean exit; resolves to the exit code. */
  stop(): Promise<number | null>
}

/** The `artifact-registry-local` command, run as users run it. */
export interface RegistryCommand {
  /** The launcher's path. */
  readonly cli: string
  /** Runs the command to completion (for commands that exit on their own). */
  runCli(args: readonly string[], env?: Record<string, string>): CliResult
  /** Starts the command and waits until it has said where it listens and who the admin is. */
  startCli(args: readonly string[], env?: Record<string, string>): Promise<CliServer>
  /** `serve` on `dataDir` (plus `extraArgs`) with the {@link ADMIN} password, once it listens. */
  startRegistryProcess(dataDir: string, extraArgs?: readonly string[]): Promise<RegistryProcess>
  /**
   * `serve` over HTTPS on `dir`/data: `pki`'s certificate and key are written to `dir` (the key
   * readable by its owner only) and passed as `--tls-cert` and `--tls-key`.
   */
  startTlsRegistryProcess(
    dir: string,
    pki: { readonly certPem: string; readonly keyPem: string },
  ): Promise<RegistryProcess>
}

/**
 * The `artifact-registry-local` command whose launcher is `cli` (the package's `bin` file, which
 * loads the build): child-process tests run the command exactly as npm links it.
 *
 * @example
 * ```ts
 * const { startRegistryProcess } = registryCommand(CLI)
 * await using registry = await startRegistryProcess(dataDir)
 * ```
 */
export function registryCommand(cli: string): RegistryCommand {
  return {
    cli,
    runCli(args, env = {}) {
      const run = spawnSync(process.execPath, [cli, ...args], {
        encoding: 'utf8',
        env: cleanEnv(env),
        timeout: 30_000,
      })
      return { status: run.status, stdout: run.stdout, stderr: run.stderr }
    },
    startCli: (args, env = {}) => startCli(cli, args, env),
    startRegistryProcess: (dataDir, extraArgs = []) =>
      startRegistryProcess(cli, dataDir, extraArgs),
    async startTlsRegistryProcess(dir, pki) {
      const certFile = join(dir, 'server.crt')
      const keyFile = join(dir, 'server.key')
      await writeFile(certFile, pki.certPem)
      await writeFile(keyFile, pki.keyPem, { mode: 0o600 })
      const tls = ['--tls-cert', certFile, '--tls-key', keyFile]
      return startRegistryProcess(cli, join(dir, 'data'), tls)
    },
  }
}

// --- internal ---

// The tests decide the admin password; one from the developer's shell must not leak in.
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { ARTIFACT_REGISTRY_ADMIN_PASSWORD: _, ...rest } = process.env
  return { ...rest, ...env }
}

async function startCli(
  cli: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<CliServer> {
  const child = spawn(process.execPath, [cli, ...args], {
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

async function startRegistryProcess(
  cli: string,
  dataDir: string,
  extraArgs: readonly string[],
): Promise<RegistryProcess> {
  const child = spawn(
    process.execPath,
    [
      cli,
      'serve',
      '--data',
      dataDir,
      '--port',
      '0',
      '--admin-password',
      ADMIN.password,
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    const onData = (chunk: Buffer): void => {
      out += chunk.toString()
      const match = out.match(/listening on (https?:\/\/\S+)/)
      if (match?.[1]) resolve(match[1])
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (c: Buffer) => {
      out += c.toString()
    })
    child.once('exit', (code) => reject(new Error(`registry exited with ${code}: ${out}`)))
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  }
  return {
    url,
    child,
    authorization: basicAuth(ADMIN.username, ADMIN.password),
    peakRss: async () => {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8')
      return Number(status.match(/VmHWM:\s+(\d+) kB/)?.[1] ?? 0) * 1024
    },
    kill,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return exited
    },
    [Symbol.asyncDispose]: kill,
  }
}
