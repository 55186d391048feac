import { readdir, readFile } from 'node:fs/promises'
import { statCpu } from './processes.js'

/**
 * The groups the report splits our server's CPU into: where a push's time goes (receiving,
 * hashing, writing and flushing files) shows which part of a slow run was slow. On this machine
 * the file-writing share alone swings severalfold with the page cache's state while the rest
 * holds still. The main thread is the one whose id is the process's; the others are told apart
 * by the names Node (from 23.8, with or without a `node-` prefix) and the server give them. Where
 * Node names no thread, all but the main one count as `other`.
 */
export const THREAD_GROUPS = ['main', 'hashing', 'libuv pool', 'V8 helpers', 'other'] as const
export type ThreadGroup = (typeof THREAD_GROUPS)[number]

/** A record with one entry per thread group, each made by `make`. */
export function perThreadGroup<T>(make: (group: ThreadGroup) => T): Record<ThreadGroup, T> {
  return Object.fromEntries(THREAD_GROUPS.map((group) => [group, make(group)])) as Record<
    ThreadGroup,
    T
  >
}

/** The group of a thread other than the main one, from its name (`comm`). */
export function threadGroup(name: string): ThreadGroup {
  return NAMES[name.replace(/^node-/, '')] ?? 'other'
}

/**
 * User + system CPU seconds each group of a process's threads has used so far, from
 * `/proc/PID/task`. A thread that ended is no longer listed (the process's own total keeps its
 * seconds), so a group can shrink between two readings; none of ours ends while it serves.
 */
export async function threadGroupSeconds(pid: number): Promise<Record<ThreadGroup, number>> {
  const totals = perThreadGroup(() => 0)
  for (const task of await readdir(`/proc/${pid}/task`)) {
    let stat: string
    try {
      stat = await readFile(`/proc/${pid}/task/${task}/stat`, 'utf8')
    } catch {
      continue // the thread ended after the listing
    }
    const { name, seconds } = statCpu(stat)
    totals[task === String(pid) ? 'main' : threadGroup(name)] += seconds
  }
  return totals
}

// --- internal ---

const NAMES: Readonly<Record<string, ThreadGroup>> = {
  // The name the server gives its hashing workers (hash-thread.ts).
  'registry-hash': 'hashing',
  'libuv-worker': 'libuv pool',
  V8Worker: 'V8 helpers',
}
