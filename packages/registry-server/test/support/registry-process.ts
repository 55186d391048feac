import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The command as npm links it (its launcher loads the build): child-process tests run it as users do. */
export const CLI = fileURLToPath(new URL('../../bin/artifact-registry-local.js', import.meta.url))

/** Admin credential the test processes run with. */
export const ADMIN = { username: 'admin', password: 'test-admin-password' }

/** A registry running as a child process. */
export interface RegistryProcess extends AsyncDisposable {
  readonly url: string
  readonly child: ChildProcess
  readonly authorization: string
  /** Peak resident memory of the process so far, in bytes (VmHWM). */
  peakRss(): Promise<number>
  /** SIGKILL: a crash at this instant. */
  kill(): Promise<void>
  /** SIGTERM and wait for a clean exit; resolves to the exit code. */
  stop(): Promise<number | null>
}

/** Start `artifact-registry-local serve` on `dataDir` (plus `extraArgs`) and wait for its URL. */
export async function startRegistryProcess(
  dataDir: string,
  extraArgs: readonly string[] = [],
): Promise<RegistryProcess> {
  const child = spawn(
    process.execPath,
    [
      CLI,
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
    authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`,
    peakRss: async () => {
      const { readFile } = await import('node:fs/promises')
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
