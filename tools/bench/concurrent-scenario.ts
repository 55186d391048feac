import type { BlobSource } from './blob-scenarios.js'
import { pushMonolithic } from './client.js'
import { type Figure, seconds } from './measure.js'
import { measureFigure, type Pass } from './settings.js'

/**
 * `concurrentPushes` monolithic pushes of `blobBytes / concurrentPushes` each at once, new blobs
 * every round: the aggregate MB/s, with the same Node client for every server.
 */
export function concurrentFigure(pass: Pass, blobs: BlobSource): Promise<Figure> {
  const { concurrentPushes: count, blobBytes } = pass.settings
  const label = `${count} concurrent pushes`
  const scenario = `${label} of ${blobBytes / count / 2 ** 20} MiB (aggregate)`
  return measureFigure(pass, { label, scenario, unit: 'MB/s', target: 3 }, async (server, r) => {
    const parts = blobs.parts(`concurrent:${r}`, count)
    const elapsed = await seconds(() =>
      Promise.all(parts.map((blob, i) => pushMonolithic(server, `bench/concurrent-${i}`, blob))),
    )
    for (const blob of parts) await server.dropBlob(blob.digest)
    return blobBytes / 1e6 / elapsed
  })
}
