import { createHash, randomBytes } from 'node:crypto'
import { mkdir, open, readdir, readFile, realpath, stat, unlink } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { ArtifactRegistryError } from '@artifact-registry/core/errors'
import { PLATFORM } from '../platform.js'
import {
  currentBootId,
  ownIncarnation,
  ownPidNamespace,
  type ProcessIncarnation,
  processState,
} from './process-incarnation.js'

/** The lock file in a data directory. */
export const LOCK_FILE = 'process.lock'

/** An exclusive hold on a data directory; `release()` may be called more than once. */
export interface DataDirectoryLock {
  /** The lock file. */
  readonly path: string
  /**
   * The directory held, as an absolute path without symbolic links: what the store must use.
   * A relative `dataDir` followed at each file operation would follow a later `process.chdir`
   * into a directory nobody locked, and what was acknowledged there be missing at the next start.
   */
  readonly dir: string
  release(): Promise<void>
}

/**
 * What the lock file holds: the holder's pid, a token telling this hold from a later one, and on
 * Linux which run of the pid took it (see {@link ProcessIncarnation}). Locks written before
 * `startTime` and `bootId` were recorded hold only `pid` and `token`; they are judged by the pid.
 */
interface LockContent {
  pid: number
  token: string
  startTime?: number
  bootId?: string
  pidNamespace?: string
}

// A lock file is written right after it is created: one still empty after this long was left by
// a crash in between.
const UNWRITTEN_LOCK_GRACE_MS = 10_000

// Between the lock file's name and a takeover claim's id (see `removeStaleLock`).
const CLAIM_INFIX = '.takeover-'

// Locks this process holds. A lock file naming this pid but not listed here was left by an
// earlier process that had the same pid (common in containers, where the server is often pid 1).
const heldHere = new Set<string>()

/**
 * Take the data directory for this process alone: two servers writing one store would corrupt
 * it, and two embedded registries would fight over its endpoint. The lock is a file created
 * with O_EXCL holding our pid (on Linux, with our start time and boot: {@link ProcessIncarnation});
 * a lock whose process no longer runs is taken over, and on Linux so is one whose pid has since
 * been given to another process, or that was taken before the last boot.
 *
 * @param onStaleLock told when a dead process's lock is taken over
 * @throws ArtifactRegistryError `UNAVAILABLE` naming the holder's pid and the directory
 */
export async function lockDataDirectory(
  dataDir: string,
  onStaleLock: (pid: number | undefined) => void = () => {},
): Promise<DataDirectoryLock> {
  await makeDataDirectory(dataDir)
  const dir = await realpath(dataDir)
  const path = join(dir, LOCK_FILE)
  const content: LockContent = {
    pid: process.pid,
    token: randomBytes(12).toString('hex'),
    ...(await ownIncarnation()),
  }
  // A few times at most: as found, after taking over a stale lock, after clearing the claim of a
  // takeover that a crash interrupted.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createExclusive(path, content)) {
      heldHere.add(path)
      await removeClaims(path)
      return { path, dir, release: once(() => releaseLock(path, content)) }
    }
    const holder = await readHolder(path)
    if (holder === 'gone') continue
    if (await isLive(path, holder)) throw inUse(dataDir, path, holder)
    const removed = await removeStaleLock(path, holder)
    if (removed === 'claimed') throw inUse(dataDir, path, 'unwritten')
    if (removed) onStaleLock(holder === 'unwritten' ? undefined : holder.pid)
  }
  throw inUse(dataDir, path, await readHolder(path))
}

// --- Internal ---

/**
 * Make the data directory if it is not there, for this process's user alone (0700): the blobs,
 * manifests and repository records in it are written readable by the umask, as any file is, so a
 * directory made as any folder is (0755 under the usual umask) let every local user read every
 * image pushed. Only the directory itself: parents made on the way are made as any folder is, and
 * a directory that exists keeps the mode its owner gave it (made group-readable for backups, say).
 */
async function makeDataDirectory(dataDir: string): Promise<void> {
  if (await madePrivate(dataDir)) return
  // Its parents may be missing: made as any folder is, then the directory itself once more.
  const parentsMade = await mkdir(dirname(resolve(dataDir)), { recursive: true }).then(
    () => true,
    () => false,
  )
  if (parentsMade && (await madePrivate(dataDir))) return
  // There already, or unusable (a file there, no permission): this says so as it always has, with
  // the error the start reports naming the data directory.
  await mkdir(dataDir, { recursive: true })
}

/** Whether `dir` was made now, 0700; false when it could not be (there already, no parent…). */
function madePrivate(dir: string): Promise<boolean> {
  return mkdir(dir, { mode: 0o700 }).then(
    () => true,
    () => false,
  )
}

async function createExclusive(path: string, content: LockContent): Promise<boolean> {
  let file: Awaited<ReturnType<typeof open>>
  try {
    file = await open(path, 'wx', 0o644)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  try {
    await file.writeFile(`${JSON.stringify(content)}\n`)
  } finally {
    await file.close()
  }
  return true
}

async function readHolder(path: string): Promise<LockContent | 'unwritten' | 'gone'> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone'
    throw error
  }
  let parsed: Partial<LockContent> | null
  try {
    parsed = JSON.parse(text) as Partial<LockContent> | null
  } catch {
    // Not (yet) a complete lock: judged by its age below.
    return 'unwritten'
  }
  const { pid, token, startTime, bootId, pidNamespace } = parsed ?? {}
  if (typeof pid !== 'number' || !Number.isInteger(pid) || typeof token !== 'string')
    return 'unwritten'
  // Which run of the pid took it, when recorded whole; otherwise judged by the pid alone.
  const incarnation =
    typeof startTime === 'number' &&
    Number.isSafeInteger(startTime) &&
    typeof bootId === 'string' &&
    bootId !== ''
      ? { startTime, bootId }
      : {}
  const namespace = typeof pidNamespace === 'string' && pidNamespace !== '' ? { pidNamespace } : {}
  return { pid, token, ...incarnation, ...namespace }
}

async function isLive(path: string, holder: LockContent | 'unwritten' | 'gone'): Promise<boolean> {
  if (holder === 'gone') return false
  if (holder === 'unwritten') {
    const age = await stat(path).then(
      (s) => Date.now() - s.mtimeMs,
      () => Number.POSITIVE_INFINITY,
    )
    return age < UNWRITTEN_LOCK_GRACE_MS
  }
  if (holder.pid === process.pid) return heldHere.has(path) || (await isThisRun(holder))
  if (!pidRuns(holder.pid)) return false
  return !(await isAnotherRun(holder))
}

function pidRuns(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process runs, as another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

/**
 * Whether a lock naming this process's pid was taken by this very run of it, though not through
 * this copy of the module (`heldHere`): an application that loads two copies of this package
 * (two versions installed) must not have the second take over the first one's lock.
 */
async function isThisRun(holder: LockContent): Promise<boolean> {
  if (holder.startTime === undefined) return false
  const own = await ownIncarnation()
  return own?.startTime === holder.startTime && own.bootId === holder.bootId
}

/**
 * Whether the process now running under the holder's pid is not the holder (Linux): a lock
 * taken before the last boot, or by a process that started at another time than the one now
 * under that pid, or a holder that has exited unreaped (a zombie), was left by a process that is
 * gone. Where `/proc` cannot tell (not Linux, a lock that recorded only its pid, a process
 * `/proc` does not show, a lock taken in another pid namespace), the pid's process is taken for
 * the holder, as before.
 */
async function isAnotherRun(holder: LockContent): Promise<boolean> {
  if (holder.bootId !== undefined) {
    const bootId = await currentBootId()
    if (bootId !== undefined && bootId !== holder.bootId) return true
  }
  // Taken in another pid namespace (a container sharing the directory, or the host beside one):
  // its pid numbers another process here, whose start time and state say nothing of the holder.
  // Judged by those, a live container's registry (its pid 1 is never the host's pid 1 run) was
  // taken over, and two registries wrote one store.
  if (holder.pidNamespace !== undefined && holder.pidNamespace !== (await ownPidNamespace()))
    return false
  const now = await processState(holder.pid)
  if (now === 'unknown') return false
  // Not in /proc though it took the signal: gone meanwhile, or hidden (`hidepid`); asked again.
  if (now === 'not shown') return !pidRuns(holder.pid)
  if (now.zombie) return true
  return holder.startTime !== undefined && now.startTime !== holder.startTime
}

/**
 * Remove the lock judged stale, `holder`, if it is still there and still stale. Processes that
 * start together all judge one stale lock stale: checked and removed by each, the lock one of
 * them had just created in its place was removed by another, and both served the directory. So
 * only the process that holds the takeover's claim (a file named after the stale lock, created
 * with O_EXCL) reads the lock again and removes it; the others are told `'claimed'`. A lock
 * with the same token is the same lock, and one that was removed never comes back, so the claim
 * may go as soon as the lock has gone.
 * @returns whether this process removed it; `'claimed'` when another process is taking it over
 */
async function removeStaleLock(
  path: string,
  holder: LockContent | 'unwritten',
): Promise<boolean | 'claimed'> {
  const claim = claimOf(path, holder)
  let file: Awaited<ReturnType<typeof open>>
  try {
    file = await open(claim, 'wx', 0o644)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    // A claim a few seconds old is a takeover in progress; an older one, what a crash during a
    // takeover left: cleared, and the lock judged again.
    const age = await stat(claim).then(
      (s) => Date.now() - s.mtimeMs,
      () => Number.POSITIVE_INFINITY,
    )
    if (age < UNWRITTEN_LOCK_GRACE_MS) return 'claimed'
    await unlink(claim).catch(ignoreMissing)
    return false
  }
  await file.close()
  try {
    const now = await readHolder(path)
    if (now === 'gone' || JSON.stringify(now) !== JSON.stringify(holder)) return false
    if (await isLive(path, now)) return false
    await unlink(path).catch(ignoreMissing)
    return true
  } finally {
    await unlink(claim).catch(ignoreMissing)
  }
}

/** The claim of the takeover of `holder`'s lock at `path`. */
function claimOf(path: string, holder: LockContent | 'unwritten'): string {
  // Named by a hash of the token, which is whatever the file held. A lock that was never written
  // has no token: its claim is one name for all of them, judged again under the claim by age.
  const id =
    holder === 'unwritten'
      ? 'unwritten'
      : createHash('sha256').update(holder.token).digest('hex').slice(0, 32)
  return `${path}${CLAIM_INFIX}${id}`
}

/**
 * Remove the claims that crashes during takeovers left. Once this process holds the lock, no
 * claim protects anything: each names a lock that is gone.
 */
async function removeClaims(path: string): Promise<void> {
  const dir = dirname(path)
  const prefix = `${basename(path)}${CLAIM_INFIX}`
  const names = await readdir(dir).catch(() => [] as string[])
  for (const name of names) {
    if (name.startsWith(prefix)) await unlink(join(dir, name)).catch(() => {})
  }
}

async function releaseLock(path: string, content: LockContent): Promise<void> {
  heldHere.delete(path)
  const holder = await readHolder(path)
  // A lock that is no longer ours (deleted by hand and taken by another process) stays.
  if (holder !== 'gone' && holder !== 'unwritten' && holder.token === content.token)
    await unlink(path).catch(ignoreMissing)
}

function inUse(
  dataDir: string,
  path: string,
  holder: LockContent | 'unwritten' | 'gone',
): ArtifactRegistryError {
  const who =
    typeof holder !== 'object'
      ? 'another process that is starting'
      : holder.pid === process.pid
        ? `this process (pid ${holder.pid}): another registry in it serves the directory; close that one first`
        : `process ${holder.pid}`
  return new ArtifactRegistryError(
    'UNAVAILABLE',
    `[provider-local] The data directory ${dataDir} is in use by ${who}. One data directory serves one process: stop the other one or use another directory. If no such process is a registry, delete ${path}.`,
    { platform: PLATFORM, retryable: false },
  )
}

function once(work: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined
  return () => {
    done ??= work()
    return done
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
}
