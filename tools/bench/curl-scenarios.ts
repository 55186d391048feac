import { join } from 'node:path'
import type { BlobSource } from './blob-scenarios.js'
import { pushMonolithic } from './client.js'
import { curlPull, curlPushChunked, curlPushMonolithic } from './curl-client.js'
import type { Figure } from './measure.js'
import { type FigureSpec, measureFigure, type Pass, PULL_ROUNDS_FACTOR } from './settings.js'
import { stageFile } from './stage-file.js'

/**
 * Blob push (monolithic, chunked) and pull with curl as the client, in MB/s: a client written
 * in C that streams a file, so neither server's figure is bound by the Node client's CPU. Each
 * figure is the sum of curl's own `time_total` over the requests of the push (or the pull),
 * which leaves out starting the curl processes, the same cost for every server. The files curl
 * sends are staged in place and flushed before each push (see `stageFile`).
 */
export async function curlFigures(pass: Pass, blobs: BlobSource): Promise<Figure[]> {
  const { servers, settings } = pass
  const megabytes = settings.blobBytes / 1e6
  const monolithic = await measureFigure(
    pass,
    curlSpec(pass, 'push monolithic', 3.2),
    async (server, round) => {
      const blob = blobs.blob(`curl monolithic:${round}`)
      const file = join(settings.workDir, 'curl-blob')
      await stageFile(file, blob.bytes)
      const rate = megabytes / (await curlPushMonolithic(server, REPO, file, blob.digest))
      await server.dropBlob(blob.digest)
      return rate
    },
  )
  const chunked = await measureFigure(
    pass,
    curlSpec(pass, `push chunked ${settings.chunkBytes / 2 ** 20} MiB`, 3.2),
    async (server, round) => {
      const blob = blobs.blob(`curl chunked:${round}`)
      const chunks = []
      for (let start = 0; start < blob.bytes.byteLength; start += settings.chunkBytes) {
        const bytes = blob.bytes.subarray(start, start + settings.chunkBytes)
        const file = join(settings.workDir, `curl-chunk-${chunks.length}`)
        await stageFile(file, bytes)
        chunks.push({ file, bytes: bytes.byteLength })
      }
      const rate = megabytes / (await curlPushChunked(server, REPO, chunks, blob.digest))
      await server.dropBlob(blob.digest)
      return rate
    },
  )
  const pulled = blobs.blob('curl pull')
  for (const server of servers) await pushMonolithic(server, REPO, pulled)
  const reps = { runs: settings.reps.runs * PULL_ROUNDS_FACTOR, warmups: settings.reps.warmups }
  const pull = await measureFigure(
    pass,
    { ...curlSpec(pass, 'pull', 1.2), scenario: 'curl blob pull (GET to /dev/null)', reps },
    async (server) => megabytes / (await curlPull(server, REPO, pulled.digest, settings.blobBytes)),
  )
  for (const server of servers) await server.dropBlob(pulled.digest)
  return [monolithic, chunked, pull]
}

// --- internal ---

const REPO = 'bench/curl'

function curlSpec(pass: Pass, label: string, target: number): FigureSpec {
  const mib = pass.settings.blobBytes / 2 ** 20
  return {
    label: `curl ${label}`,
    scenario: `curl blob ${label} (${mib} MiB)`,
    unit: 'MB/s',
    target,
  }
}
