import type { ChildProcess } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'

// Every server the benchmark starts, so an interrupted run does not leave any behind.
const children = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

/** Remember `child` until it exits, to kill it if the benchmark itself dies first. */
export function track(child: ChildProcess): void {
  children.add(child)
  child.once('exit', () => children.delete(child))
}

/**
 * User + system CPU seconds a process has used so far (all threads), from /proc. Used to tell
 * whether a figure is bound by the server or by the client on this small machine.
 */
export async function cpuSeconds(pid: number): Promise<number> {
  return statCpu(await readFile(`/proc/${pid}/stat`, 'utf8')).seconds
}

/**
 * The name (`comm`) and user + system CPU seconds in a `/proc/…/stat` line, of a process or of
 * one of its threads.
 */
export function statCpu(stat: string): { name: string; seconds: number } {
  const close = stat.lastIndexOf(')')
  const name = stat.slice(stat.indexOf('(') + 1, close)
  // Fields after the parenthesised name; utime and stime are fields 14 and 15.
  const fields = stat.slice(close + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return { name, seconds: ticks / CLOCK_TICKS }
}

// --- internal ---

/** `getconf CLK_TCK`: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100

/**
 * Starts a new peak of a process's resident memory (writes 5 to its `clear_refs`), so that
 * {@link peakRssBytes} covers only what follows. False when the kernel refused.
 */
export async function resetPeakRss(pid: number): Promise<boolean> {
  try {
    await writeFile(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

/** The peak resident memory of a process (VmHWM), in bytes. */
export async function peakRssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kib = status.match(/^VmHWM:\s+(\d+) kB$/m)?.[1]
  if (kib === undefined) throw new Error(`no VmHWM in /proc/${pid}/status`)
  return Number(kib) * 1024
}
