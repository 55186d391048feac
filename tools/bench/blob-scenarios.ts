import { createHash, randomBytes } from 'node:crypto'
import { sha256 } from '@artifact-registry/test-kit'
import { type BlobData, type Endpoint, pullBlob, pushChunked, pushMonolithic } from './client.js'
import { type Figure, seconds } from './measure.js'
import { measureFigure, type Pass, PULL_ROUNDS_FACTOR } from './settings.js'

/**
 * Hands out the blobs of a round from one random buffer, re-stamped so every round brings new
 * blobs: pushing a blob a server already has lets registry:2 skip its move.
 */
export interface BlobSource {
  /** The whole buffer as one blob. */
  blob(round: string): BlobData
  /** The buffer cut into `count` blobs of equal size. */
  parts(round: string, count: number): BlobData[]
}

/** Allocates the random buffer once (slow on this VM) and hashes each new stamp of it. */
export function blobSource(size: number): BlobSource {
  const bytes = randomBytes(size)
  let current: { key: string; blobs: BlobData[] } | undefined
  const stamped = (round: string, count: number): BlobData[] => {
    const key = `${round}/${count}`
    if (current?.key !== key) {
      const partBytes = Math.floor(size / count)
      const blobs = Array.from({ length: count }, (_, i) => {
        const part = bytes.subarray(i * partBytes, (i + 1) * partBytes)
        createHash('sha256').update(`${key}/${i}`).digest().copy(part, 0)
        return { bytes: part, digest: sha256(part) }
      })
      current = { key, blobs }
    }
    return current.blobs
  }
  return {
    blob: (round) => stamped(round, 1)[0] as BlobData,
    parts: stamped,
  }
}

/**
 * Blob push (monolithic, then chunked) and pull, in MB/s (10^6 bytes per second).
 *
 * Each pushed blob is deleted from disk once measured. Kept, they would grow the page cache by
 * 512 MiB per round, and on this kind of VM memory the guest has not touched for a while costs
 * about 15× more kernel time per page (dd: 0.07 s of system time per 512 MiB file for the
 * first ~1.5 GB, 1.1–1.4 s after), so later scenarios would be slowed by the machine, not by
 * the servers.
 */
export async function blobFigures(pass: Pass, blobs: BlobSource): Promise<Figure[]> {
  const { servers, settings } = pass
  const monolithic = await pushFigure(pass, blobs, 'monolithic')
  const chunked = await pushFigure(pass, blobs, 'chunked')
  const pulled = blobs.blob('pull')
  for (const server of servers) await pushMonolithic(server, REPO, pulled)
  const { digest } = pulled
  const megabytes = settings.blobBytes / 1e6
  // A pull takes half a second and its figure swings with the client's scheduling: more rounds
  // cost little and steady the median.
  const reps = { runs: settings.reps.runs * PULL_ROUNDS_FACTOR, warmups: settings.reps.warmups }
  const scenario = 'blob pull (GET, body read, not hashed)'
  const pull = await measureFigure(
    pass,
    { label: 'pull', scenario, unit: 'MB/s', target: 1.2, reps },
    (s) => seconds(() => pullExactly(s, digest, settings.blobBytes)).then((t) => megabytes / t),
  )
  // Like every pushed blob, once measured (kept, each server's copy would hold its memory).
  for (const server of servers) await server.dropBlob(digest)
  return [monolithic, chunked, pull]
}

// --- internal ---

const REPO = 'bench/blob'

function pushFigure(
  pass: Pass,
  blobs: BlobSource,
  kind: 'monolithic' | 'chunked',
): Promise<Figure> {
  const { settings } = pass
  const label =
    kind === 'monolithic' ? 'push monolithic' : `push chunked ${settings.chunkBytes / 2 ** 20} MiB`
  const scenario = `blob ${label} (${settings.blobBytes / 2 ** 20} MiB)`
  const megabytes = settings.blobBytes / 1e6
  return measureFigure(pass, { label, scenario, unit: 'MB/s', target: 3.2 }, async (s, r) => {
    const blob = blobs.blob(`${kind}:${r}`)
    const upload =
      kind === 'monolithic'
        ? () => pushMonolithic(s, REPO, blob)
        : () => pushChunked(s, REPO, blob, settings.chunkBytes)
    const rate = megabytes / (await seconds(upload))
    await s.dropBlob(blob.digest)
    return rate
  })
}

async function pullExactly(ep: Endpoint, digest: string, size: number): Promise<void> {
  const received = await pullBlob(ep, REPO, digest)
  if (received !== size) throw new Error(`pulled ${received} bytes of ${size} from ${ep.url}`)
}
