import { type ChildProcess, spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { packageBin } from '@artifact-registry/test-kit'

/**
 * The command users run, through the launcher npm links (found through the registry-server
 * package: the compiled probe runs from probe/dist).
 */
export const CLI: string = packageBin(
  '@artifact-registry/registry-server',
  'artifact-registry-local',
  import.meta.url,
)

/** `artifact-registry-local serve` as a child process, watched. */
export interface ServerProcess {
  readonly url: string
  readonly port: number
  readonly pid: number
  /** Exits the probe did not ask for (a crash), with their code or signal. */
  readonly crashes: string[]
  /** Log lines of failed requests (`request failed`), as the server wrote them. */
  readonly failures: string[]
  /** Resident memory now, in bytes (VmRSS). */
  rss(): Promise<number>
  /** Peak resident memory since the last {@link resetPeak}, in bytes (VmHWM). */
  peakRss(): Promise<number>
  /** Start counting the peak from now (writes 5 to /proc/PID/clear_refs). */
  resetPeak(): Promise<void>
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>
}

/** Start `serve` on `dataDir` with the admin `password`, and wait until it listens. */
export async function startServer(dataDir: string, password: string): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    // `--flag=value`: a base64url password may start with `-`, which a separate argument
    // would make read as a flag.
    [CLI, 'serve', `--data=${dataDir}`, '--port=0', `--admin-password=${password}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  track(child)
  const crashes: string[] = []
  const failures: string[] = []
  let stopping = false
  child.once('exit', (code, signal) => {
    if (!stopping) crashes.push(signal ?? `exit ${code}`)
  })
  let pending = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    pending += chunk.toString()
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) if (line.includes('"request failed"')) failures.push(line)
  })
  const url = await listening(child)
  const pid = child.pid ?? 0
  const status = async (field: string): Promise<number> => {
    const text = await readFile(`/proc/${pid}/status`, 'utf8')
    return Number(text.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0) * 1024
  }
  return {
    url,
    port: Number(new URL(url).port),
    pid,
    crashes,
    failures,
    rss: () => status('VmRSS'),
    peakRss: () => status('VmHWM'),
    resetPeak: () => writeFile(`/proc/${pid}/clear_refs`, '5'),
    stop: async () => {
      stopping = true
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(kill)
    },
  }
}

// --- Internal ---

// Servers still running when the probe itself dies are killed with it.
const children = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

function track(child: ChildProcess): void {
  children.add(child)
  child.once('exit', () => children.delete(child))
}

function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const url = out.match(/listening on (http:\/\/\S+)/)?.[1]
      if (url !== undefined) resolve(url)
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString()
    })
    child.once('exit', (code) =>
      reject(new Error(`the server exited (${code}) before listening:\n${err.slice(0, 2000)}`)),
    )
  })
}
