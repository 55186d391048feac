import { randomBytes } from 'node:crypto'
import { mkdir, open, readFile, realpath, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { ArtifactRegistryError } from '@artifact-registry/core/errors'
import { PLATFORM } from '../platform.js'

/** The lock file in a data directory. */
export const LOCK_FILE = 'process.lock'

/** An exclusive hold on a data directory; `release()` may be called more than once. */
export interface DataDirectoryLock {
  readonly path: string
  release(): Promise<void>
}

/** What the lock file holds: the holder's pid, and a token telling this hold from a later one. */
interface LockContent {
  pid: number
  token: string
}

// A lock file is written right after it is created: one still empty after this long was left by
// a crash in between.
const UNWRITTEN_LOCK_GRACE_MS = 10_000

// Locks this process holds. A lock file naming this pid but not listed here was left by an
// earlier process that had the same pid (common in containers, where the server is often pid 1).
const heldHere = new Set<string>()

/**
 * Take the data directory for this process alone: two servers writing one store would corrupt
 * it, and two embedded registries would fight over its endpoint. The lock is a file created
 * with O_EXCL holding our pid; a lock whose process no longer runs is taken over.
 *
 * @param onStaleLock told when a dead process's lock is taken over
 * @throws ArtifactRegistryError `UNAVAILABLE` naming the holder's pid and the directory
 */
export async function lockDataDirectory(
  dataDir: string,
  onStaleLock: (pid: number | undefined) => void = () => {},
): Promise<DataDirectoryLock> {
  await mkdir(dataDir, { recursive: true })
  const path = join(await realpath(dataDir), LOCK_FILE)
  const content: LockContent = { pid: process.pid, token: randomBytes(12).toString('hex') }
  // Twice at most: once as found, once after taking over a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await createExclusive(path, content)) {
      heldHere.add(path)
      return { path, release: once(() => releaseLock(path, content)) }
    }
    const holder = await readHolder(path)
    if (holder === 'gone') continue
    if (await isLive(path, holder)) throw inUse(dataDir, path, holder)
    // Remove only the lock we judged stale: if it changed meanwhile, another process took over.
    if (JSON.stringify(await readHolder(path)) !== JSON.stringify(holder)) continue
    await unlink(path).catch(ignoreMissing)
    onStaleLock(holder === 'unwritten' ? undefined : holder.pid)
  }
  throw inUse(dataDir, path, await readHolder(path))
}

// --- Internal ---

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
  try {
    const parsed = JSON.parse(text) as Partial<LockContent> | null
    if (Number.isInteger(parsed?.pid) && typeof parsed?.token === 'string')
      return parsed as LockContent
  } catch {
    // Not (yet) a complete lock: judged by its age below.
  }
  return 'unwritten'
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
  if (holder.pid === process.pid) return heldHere.has(path)
  try {
    process.kill(holder.pid, 0)
    return true
  } catch (error) {
    // EPERM: the process runs, as another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
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
