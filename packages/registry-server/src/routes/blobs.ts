import { parseDigest } from '../digest.js'
import { notModified, type RouteContext, sendEmpty } from '../http.js'
import { OciError } from '../oci-errors.js'
import type { ByteRange } from '../storage/blob-store.js'

/** `GET`/`HEAD /v2/<name>/blobs/<digest>` (end-2): the blob, or a Range of it. */
export async function getBlob(ctx: RouteContext): Promise<void> {
  const digest = requireDigest(ctx.param)
  const info = await ctx.store.linkedBlob(ctx.repository, digest)
  if (info === undefined) throw new OciError('BLOB_UNKNOWN', { detail: digest })
  const headers: Record<string, string> = {
    'Content-Type': 'application/octet-stream',
    'Docker-Content-Digest': digest,
    ETag: `"${digest}"`,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'max-age=31536000',
  }
  if (notModified(ctx, digest)) {
    ctx.res.writeHead(304, { ETag: headers.ETag ?? '', 'Docker-Content-Digest': digest })
    ctx.res.end()
    return
  }
  const range = parseRange(ctx.req.headers.range, info.size)
  if (range === 'unsatisfiable') {
    throw new OciError('RANGE_INVALID', { headers: { 'Content-Range': `bytes */${info.size}` } })
  }
  const status = range ? 206 : 200
  const length = range ? range.end - range.start + 1 : info.size
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${info.size}`
  ctx.res.writeHead(status, { ...headers, 'Content-Length': String(length) })
  if (ctx.req.method === 'HEAD' || length === 0) {
    ctx.res.end()
    return
  }
  await ctx.store.blobs.send(digest, ctx.res, range)
  ctx.res.end()
}

/** `DELETE /v2/<name>/blobs/<digest>` (end-10): unlink it from this repository. */
export async function deleteBlob(ctx: RouteContext): Promise<void> {
  const digest = requireDigest(ctx.param)
  // Checked again at the write, as for a manifest's delete (see `deleteManifest`).
  if (!(await ctx.store.unlinkBlob(ctx.repository, digest, ctx.accessStillHeld))) {
    throw new OciError('BLOB_UNKNOWN', { detail: digest })
  }
  sendEmpty(ctx, 202, { 'Docker-Content-Digest': digest })
}

/** A digest path parameter, or 400 DIGEST_INVALID. */
export function requireDigest(value: string): string {
  if (parseDigest(value) === undefined)
    throw new OciError('DIGEST_INVALID', { detail: `invalid digest ${value}` })
  return value
}

/**
 * Parse a single `bytes=` range against `size` (RFC 9110): `a-b` (end clamped), `a-`, `-n`.
 * Multiple ranges or other units are ignored (the whole blob is sent).
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  const match = header?.match(/^bytes=(\d*)-(\d*)$/)
  if (!match || (match[1] === '' && match[2] === '')) return undefined
  const [, first = '', last = ''] = match
  if (first === '') {
    const suffix = Math.min(Number(last), size)
    return suffix === 0 ? 'unsatisfiable' : { start: size - suffix, end: size - 1 }
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (start >= size || (last !== '' && Number(last) < start)) return 'unsatisfiable'
  return { start, end }
}
