import { parseDigest } from '../digest.js'
import { notModified, type RouteContext, sendEmpty } from '../http.js'
import { OciError } from '../oci-errors.js'
import type { ByteRange } from '../storage/blob-store.js'

/**
 * `GET`/`HEAD /v2/<name>/blobs/<digest>` (end-2): the blob, or a Range of it. A GET opens the
 * blob before it answers: a blob deleted (unlinked, then collected) after the check but before
 * the read would otherwise have had its headers sent and its body cut. Held open, it is sent
 * whole; gone before it was opened, it is 404 like a GET that came a moment later.
 */
export async function getBlob(ctx: RouteContext): Promise<void> {
  const digest = requireDigest(ctx.param)
  if (ctx.req.method === 'HEAD') {
    const info = await ctx.store.linkedBlob(ctx.repository, digest)
    if (info === undefined) throw new OciError('BLOB_UNKNOWN', { detail: digest })
    writeBlobHead(ctx, digest, info.size)
    ctx.res.end()
    return
  }
  const blob = await ctx.store.openLinkedBlob(ctx.repository, digest)
  if (blob === undefined) throw new OciError('BLOB_UNKNOWN', { detail: digest })
  try {
    const part = writeBlobHead(ctx, digest, blob.size)
    if (part !== 'not modified' && part.length > 0) await blob.send(ctx.res, part.range)
    ctx.res.end()
  } finally {
    await blob.close()
  }
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

/**
 * Write the head of a blob's answer: 304 when the client has it, else 200 or 206 (or throw 416)
 * with the length of what follows. Returns what the body must hold.
 */
function writeBlobHead(
  ctx: RouteContext,
  digest: string,
  size: number,
): { range: ByteRange | undefined; length: number } | 'not modified' {
  const headers: Record<string, string> = {
    'Content-Type': 'application/octet-stream',
    'Docker-Content-Digest': digest,
    ETag: `"${digest}"`,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'max-age=31536000',
  }
  if (notModified(ctx, digest)) {
    ctx.res.writeHead(304, { ETag: headers.ETag ?? '', 'Docker-Content-Digest': digest })
    return 'not modified'
  }
  // A Range whose If-Range names another validator is ignored, as HTTP says
  // (docs/oci-distribution.md#conditional-requests), compared strongly: only the blob's own ETag
  // lets it through. Blobs carry no Last-Modified, so a date never does.
  const ifRange = ctx.req.headers['if-range']
  const holds = ifRange === undefined || String(ifRange).trim() === headers.ETag
  const range = parseRange(holds ? ctx.req.headers.range : undefined, size)
  if (range === 'unsatisfiable') {
    throw new OciError('RANGE_INVALID', { headers: { 'Content-Range': `bytes */${size}` } })
  }
  const length = range ? range.end - range.start + 1 : size
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`
  ctx.res.writeHead(range ? 206 : 200, { ...headers, 'Content-Length': String(length) })
  return { range, length }
}
