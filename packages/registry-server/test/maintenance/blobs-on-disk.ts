import { mkdir, readdir, stat, utimes, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { sha256 } from '../support/push.js'

/**
 * Bytes of every file under `<dataDir>/blobs`: the disk space blobs take. A collection may run
 * while this counts, so a file listed and then deleted before its size is read counts as 0.
 */
export async function blobBytes(dataDir: string): Promise<number> {
  let total = 0
  const entries = await readdir(join(dataDir, 'blobs'), { recursive: true, withFileTypes: true })
  for (const entry of entries) {
    if (entry.isFile()) total += await sizeIfPresent(join(entry.parentPath, entry.name))
  }
  return total
}

async function sizeIfPresent(path: string): Promise<number> {
  try {
    return (await stat(path)).size
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw error
  }
}

/** Resolve after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Call `probe` every 50 ms until it returns true; false when `timeoutMs` ran out first. */
export async function eventually(
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await probe()) return true
    await sleep(50)
  }
  return probe()
}

// The filesystem store's layout: blobs/<algorithm>/<first 2 hex>/<hex>.
function blobPath(dataDir: string, digest: string): string {
  const [algorithm = '', hex = ''] = digest.split(':')
  return join(dataDir, 'blobs', algorithm, hex.slice(0, 2), hex)
}

/** Write `count` small blobs no repository links, last modified at `mtime`, into a store. */
export async function writeOldBlobs(dataDir: string, count: number, mtime: Date): Promise<void> {
  for (let i = 0; i < count; i++) {
    const bytes = Buffer.from(`garbage ${i}`)
    const path = blobPath(dataDir, sha256(bytes))
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, bytes)
    await utimes(path, mtime, mtime)
  }
}

/** Make blobs look last written at `mtime`: past the grace period, without waiting it out. */
export async function ageBlobs(dataDir: string, digests: string[], mtime: Date): Promise<void> {
  for (const digest of digests) await utimes(blobPath(dataDir, digest), mtime, mtime)
}
