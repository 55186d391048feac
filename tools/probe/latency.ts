import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { call, imageManifest, pushBlob, putManifest } from './client.ts'
import type { Ledger } from './ledger.ts'

/** What another, well-behaved client needs: where, as whom, and what to read. */
export interface OtherClient {
  url: string
  /** `Authorization` of a push-pull credential of `repository`. */
  authorization: string
  repository: string
  /** A manifest reference and a blob digest in `repository` to read. */
  tag: string
  blobDigest: string
  ledger: Ledger
}

/** A running sampler: stop it to get every request's duration, in milliseconds. */
export interface LatencySampler {
  stop(): Promise<number[]>
}

/**
 * Four clients going about their business while a load runs: three read (the API check, a
 * manifest HEAD, a blob GET, a tag list), one pushes small images (recorded in the ledger).
 * Each request's duration is one sample; a request that fails outright counts as 60 s.
 */
export function sampleLatency(client: OtherClient): LatencySampler {
  const samples: number[] = []
  let running = true
  let pushes = 0
  const { url, authorization: auth, repository } = client
  const reads = [
    () => call(`${url}/v2/`, { headers: { authorization: auth } }),
    () =>
      call(`${url}/v2/${repository}/manifests/${client.tag}`, {
        method: 'HEAD',
        headers: { authorization: auth, accept: 'application/vnd.oci.image.manifest.v1+json' },
      }),
    () =>
      call(`${url}/v2/${repository}/blobs/${client.blobDigest}`, {
        headers: { authorization: auth },
      }),
    () => call(`${url}/v2/${repository}/tags/list`, { headers: { authorization: auth } }),
  ]
  const timed = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    const started = performance.now()
    try {
      const result = await work()
      samples.push(performance.now() - started)
      return result
    } catch {
      samples.push(60_000)
      return undefined
    }
  }
  const reader = async (offset: number): Promise<void> => {
    for (let i = offset; running; i++) {
      const read = reads[i % reads.length]
      if (read) await timed(async () => (await read()).arrayBuffer())
      await sleep(20)
    }
  }
  // A small image at a time: two blobs and a manifest, each request one sample.
  const pusher = async (): Promise<void> => {
    while (running) {
      const tag = `p${pushes++}`
      const layer = randomBytes(1024)
      const config = Buffer.from(JSON.stringify({ tag }))
      let complete = true
      for (const part of [layer, config]) {
        const pushed = await timed(() => pushBlob(url, auth, repository, part))
        if (pushed?.status !== 201) complete = false
        else
          client.ledger.add({
            kind: 'blob',
            repository,
            reference: pushed.digest,
            digest: pushed.digest,
          })
      }
      if (complete) {
        const manifest = imageManifest(config, [layer])
        const put = await timed(() => putManifest(url, auth, repository, tag, manifest))
        if (put?.status === 201)
          client.ledger.add({ kind: 'manifest', repository, reference: tag, digest: put.digest })
      }
      await sleep(50)
    }
  }
  const workers = [reader(0), reader(1), reader(2), pusher()]
  return {
    stop: async () => {
      running = false
      await Promise.all(workers)
      return samples
    },
  }
}

/** The `p`-th percentile (0–100) of `values`, by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] ?? Number.NaN
}
