import type { IncomingMessage } from 'node:http'
import { isDigestAlgorithm, parseDigest } from '../digest.js'
import { contentLength, hasBody, type RouteContext, sendEmpty, uploadLocation } from '../http.js'
import { isRepositoryName } from '../names.js'
import { OciError } from '../oci-errors.js'
import { type ChunkRange, rangeHeader } from '../upload-sessions.js'

/**
 * `POST /v2/<name>/blobs/uploads/`: start an upload (end-4a), upload in one request with
 * `?digest=` (end-4b), choose the hash with `?digest-algorithm=` (end-4c), or mount a blob from
 * another repository with `?mount=&from=` (end-11; falls back to a new upload).
 */
export async function startUpload(ctx: RouteContext): Promise<void> {
  const { searchParams } = ctx.url
  const mount = searchParams.get('mount')
  const from = searchParams.get('from')
  if (mount !== null && from !== null && (await tryMount(ctx, mount, from))) return
  const digest = mount === null ? searchParams.get('digest') : null
  if (digest !== null && parseDigest(digest) === undefined) {
    throw new OciError('DIGEST_INVALID', { detail: `invalid digest ${digest}` })
  }
  const algorithm =
    searchParams.get('digest-algorithm') ?? parseDigest(digest ?? '')?.algorithm ?? 'sha256'
  if (!isDigestAlgorithm(algorithm)) {
    throw new OciError('DIGEST_INVALID', { detail: `unsupported digest algorithm ${algorithm}` })
  }
  const id = await ctx.uploads.start(ctx.repository, algorithm, ctx.subject, ctx.accessStillHeld)
  if (digest !== null) {
    try {
      if (hasBody(ctx.req)) await appendBody(ctx, id, undefined)
      await ctx.recheckAccess()
      await ctx.uploads.finish(ctx.repository, id, digest, ctx.accessStillHeld)
    } catch (error) {
      // The client never learnt this session's id, so nobody could finish or cancel it.
      await ctx.uploads.discard(id)
      throw error
    }
    sendCreated(ctx, digest)
    return
  }
  sendEmpty(ctx, 202, { ...uploadHeaders(ctx.repository, id, 0) })
}

/** `GET <upload location>` (end-13): where the upload stands. */
export async function uploadStatus(ctx: RouteContext): Promise<void> {
  const size = await ctx.uploads.size(ctx.repository, ctx.param)
  sendEmpty(ctx, 204, uploadHeaders(ctx.repository, ctx.param, size))
}

/** `PATCH <upload location>` (end-5): a chunk with Content-Range, or a stream without. */
export async function patchUpload(ctx: RouteContext): Promise<void> {
  const size = await appendBody(ctx, ctx.param, chunkRange(ctx.req))
  sendEmpty(ctx, 202, uploadHeaders(ctx.repository, ctx.param, size))
}

/** `PUT <upload location>?digest=` (end-6): an optional last chunk, then verify and commit. */
export async function finishUpload(ctx: RouteContext): Promise<void> {
  const digest = ctx.url.searchParams.get('digest')
  if (digest === null || parseDigest(digest) === undefined) {
    throw new OciError('DIGEST_INVALID', { detail: `invalid or missing digest ${digest ?? ''}` })
  }
  if (hasBody(ctx.req)) {
    await appendBody(ctx, ctx.param, chunkRange(ctx.req))
  } else {
    await ctx.uploads.size(ctx.repository, ctx.param)
  }
  await ctx.recheckAccess()
  await ctx.uploads.finish(ctx.repository, ctx.param, digest, ctx.accessStillHeld)
  sendCreated(ctx, digest)
}

/** `DELETE <upload location>` (end-14): cancel. */
export async function cancelUpload(ctx: RouteContext): Promise<void> {
  // Checked again once the session is ours: the cancel may have waited behind another request of
  // the session while its credential was revoked or its repository deleted.
  await ctx.uploads.cancel(ctx.repository, ctx.param, ctx.accessStillHeld)
  sendEmpty(ctx, 204)
}

// --- Internal ---

/**
 * Append the request's body to upload `id`; the credential is asked after each write whether it
 * still holds, so a revocation stops a body that takes hours (see `UploadSessions.append`).
 */
function appendBody(ctx: RouteContext, id: string, range: ChunkRange | undefined): Promise<number> {
  const declared = contentLength(ctx.req)
  return ctx.uploads.append(ctx.repository, id, ctx.req, range, declared, ctx.accessStillHeld)
}

async function tryMount(ctx: RouteContext, digest: string, from: string): Promise<boolean> {
  if (parseDigest(digest) === undefined || !isRepositoryName(from)) return false
  // The check and the link under one shared lock: a collection cannot delete the blob between
  // them, which would leave a mount answered 201 pointing at nothing.
  const mounted = await ctx.store.gcLock.shared(async () => {
    // A source that cannot be read (a disk error) is not mounted either: the client has the
    // bytes, and the upload it falls back to stores them again, where a 500 failed the push.
    const source = await ctx.store.linkedBlob(from, digest).catch(() => undefined)
    if (source === undefined) return false
    // Checked at the write like an upload's commit: the mount may have waited for the lock (a
    // collection) while its credential was revoked or its repository deleted.
    await ctx.store.linkBlob(ctx.repository, digest, ctx.accessStillHeld)
    return true
  })
  if (mounted) sendCreated(ctx, digest)
  return mounted
}

function sendCreated(ctx: RouteContext, digest: string): void {
  sendEmpty(ctx, 201, {
    Location: `/v2/${ctx.repository}/blobs/${digest}`,
    'Docker-Content-Digest': digest,
  })
}

function uploadHeaders(repository: string, id: string, size: number): Record<string, string> {
  return {
    Location: uploadLocation(repository, id),
    Range: rangeHeader(size),
    'Docker-Upload-UUID': id,
  }
}

function chunkRange(req: IncomingMessage): ChunkRange | undefined {
  const header = req.headers['content-range']
  if (header === undefined) return undefined
  const match = header.replace(/^bytes[ =]/, '').match(/^(\d+)-(\d+)(?:\/(?:\d+|\*))?$/)
  if (!match || Number(match[2]) < Number(match[1])) {
    throw new OciError('RANGE_INVALID', { detail: `bad Content-Range ${header}` })
  }
  return { start: Number(match[1]), end: Number(match[2]) }
}
