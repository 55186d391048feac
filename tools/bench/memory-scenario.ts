import { createHash } from 'node:crypto'
import type { BlobSource } from './blob-scenarios.js'
import { pullBlob, pushParts } from './client.js'
import type { Figure } from './measure.js'
import { peakRssBytes, resetPeakRss } from './processes.js'
import { MEMORY_REPS, measureFigure, type Pass } from './settings.js'

/** Our server's peak resident memory must stay under this while it pushes and pulls. */
const CEILING_MB = 128

/**
 * Peak resident memory (MB) of each server while it takes a push of a `memoryBlobBytes` blob
 * (the random buffer sent several times over) and sends it back: the peak is reset first, so
 * earlier scenarios do not count.
 */
export async function memoryFigure(pass: Pass, blobs: BlobSource): Promise<Figure> {
  const { memoryBlobBytes } = pass.settings
  const { bytes } = blobs.blob('memory')
  const parts = Array.from({ length: Math.ceil(memoryBlobBytes / bytes.byteLength) }, () => bytes)
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  const digest = `sha256:${hash.digest('hex')}`
  const size = parts.length * bytes.byteLength
  const gib = size / 2 ** 30
  let unreset = false
  const figure = await measureFigure(
    pass,
    {
      label: 'peak RSS',
      scenario: `peak RSS, push + pull of a ${gib} GiB blob`,
      unit: 'MB',
      target: 1,
      ceiling: CEILING_MB,
      reps: MEMORY_REPS,
    },
    async (server) => {
      if (!(await resetPeakRss(server.pid))) unreset = true
      await pushParts(server, REPO, parts, digest)
      const received = await pullBlob(server, REPO, digest)
      if (received !== size) throw new Error(`pulled ${received} bytes of ${size}`)
      const peak = await peakRssBytes(server.pid)
      await server.dropBlob(digest)
      return peak / 1e6
    },
  )
  if (unreset)
    figure.notes.push(
      'peak RSS: the kernel refused to reset a peak; it is the process lifetime peak.',
    )
  return figure
}

const REPO = 'bench/memory'
