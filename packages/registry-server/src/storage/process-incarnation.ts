import { readFile, readlink } from 'node:fs/promises'

/**
 * Which run of a process a pid meant (Linux): when it started, in clock ticks since boot, and
 * which boot that was. A pid is given to another process once its holder has exited (in a
 * container started again, pid 1 and the low pids almost always are): a pid alone cannot tell a
 * live holder from an unrelated process that later got its number; a pid with its start time
 * and boot can.
 */
export interface ProcessIncarnation {
  /** Field 22 of `/proc/<pid>/stat`. */
  readonly startTime: number
  /** `/proc/sys/kernel/random/boot_id`: a new one at every boot. */
  readonly bootId: string
  /**
   * The pid namespace the pid is a number in (`/proc/self/ns/pid`, such as `pid:[4026531836]`),
   * when `/proc` tells it. A container has its own: its pid 1 is not the host's pid 1.
   */
  readonly pidNamespace?: string
}

/** What `/proc` says of a pid now. */
export type ProcessState =
  | { readonly startTime: number; readonly zombie: boolean }
  /** No such process, or one `/proc` does not show (mounted with `hidepid`). */
  | 'not shown'
  /** No `/proc` to ask (not Linux), or it could not be read. */
  | 'unknown'

/** This process's incarnation; `undefined` where `/proc` cannot tell it (not Linux). */
export async function ownIncarnation(): Promise<ProcessIncarnation | undefined> {
  const [state, bootId, pidNamespace] = await Promise.all([
    processState('self'),
    currentBootId(),
    ownPidNamespace(),
  ])
  return typeof state === 'object' && bootId !== undefined
    ? { startTime: state.startTime, bootId, ...(pidNamespace && { pidNamespace }) }
    : undefined
}

/** The pid namespace this process is in, or `undefined` where `/proc` cannot tell. */
export async function ownPidNamespace(): Promise<string | undefined> {
  return readlink('/proc/self/ns/pid').then(
    (target) => target || undefined,
    () => undefined,
  )
}

/** The boot this machine is in, or `undefined` where `/proc` cannot tell. */
export async function currentBootId(): Promise<string | undefined> {
  return readFile('/proc/sys/kernel/random/boot_id', 'utf8').then(
    (text) => text.trim() || undefined,
    () => undefined,
  )
}

/** When the process `pid` started and whether it has exited unreaped (a zombie holds nothing). */
export async function processState(pid: number | 'self'): Promise<ProcessState> {
  let text: string
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    // ENOENT: /proc has no such entry; whether /proc is there at all is the caller's question.
    return code === 'ENOENT' || code === 'ESRCH' ? 'not shown' : 'unknown'
  }
  // Field 2, the command name in parentheses, may itself hold spaces and parentheses: the
  // fields are counted from after its last `)`, where field 3 (the state) starts.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  const state = fields[0]
  const startTime = Number(fields[22 - 3])
  if (state === undefined || !Number.isSafeInteger(startTime) || startTime < 0) return 'unknown'
  return { startTime, zombie: state === 'Z' || state === 'X' }
}
