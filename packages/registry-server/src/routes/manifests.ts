import { digestOf, parseDigest } from '../digest.js'
import { contentType, notModified, type RouteContext, readBody, sendEmpty } from '../http.js'
import { manifestShapeGuard, parseManifest } from '../manifest.js'
import { requireReferences, requireReferencesHeld } from '../manifest-references.js'
import { isTag } from '../names.js'
import { OciError } from '../oci-errors.js'

/** `GET`/`HEAD /v2/<name>/manifests/<tag-or-digest>` (end-3): the exact stored bytes. */
export async function getManifest(ctx: RouteContext): Promise<void> {
  const reference = ctx.param
  // A reference that is no tag and no digest names nothing: 404, as distribution answers.
  const found = isReference(reference) ? ctx.store.resolve(ctx.repository, reference) : undefined
  if (found === undefined) throw new OciError('MANIFEST_UNKNOWN', { detail: { reference } })
  const headers = {
    'Content-Type': found.manifest.mediaType,
    'Content-Length': String(found.manifest.size),
    'Docker-Content-Digest': found.digest,
    ETag: `"${found.digest}"`,
    'Last-Modified': new Date(found.manifest.createdAt).toUTCString(),
  }
  if (notModified(ctx, found.digest)) {
    ctx.res.writeHead(304, { ETag: headers.ETag, 'Docker-Content-Digest': found.digest })
    ctx.res.end()
    return
  }
  if (ctx.req.method === 'HEAD') {
    ctx.res.writeHead(200, headers)
    ctx.res.end()
    return
  }
  const bytes = await ctx.store.blobs.readAll(found.digest)
  // Deleted and collected since it was resolved: as if the GET had come a moment later.
  if (bytes === undefined) throw new OciError('MANIFEST_UNKNOWN', { detail: { reference } })
  ctx.res.writeHead(200, headers)
  ctx.res.end(bytes)
}

/**
 * `PUT /v2/<name>/manifests/<tag-or-digest>[?tag=…]` (end-7a/7b): validate, store byte for byte,
 * honour If-Match / If-None-Match on the tag, answer `OCI-Subject` when it has a subject.
 */
export async function putManifest(ctx: RouteContext): Promise<void> {
  const reference = requireReference(ctx.param)
  // Nesting is checked as the body arrives: a body of `[` is refused at once, not read whole.
  const bytes = await readBody(ctx.req, ctx.options.maxManifestBytes, manifestShapeGuard())
  const byDigest = parseDigest(reference)
  const digest = digestOf(bytes, byDigest?.algorithm ?? 'sha256')
  if (byDigest && digest !== reference) {
    throw new OciError('DIGEST_INVALID', {
      detail: `content digest is ${digest}, not ${reference}`,
    })
  }
  const tags = byDigest ? ctx.url.searchParams.getAll('tag') : [reference]
  const badTag = tags.find((t) => !isTag(t))
  if (badTag !== undefined) throw new OciError('TAG_INVALID', { detail: { tag: badTag } })
  checkPreconditions(ctx, tags)
  const parsed = parseManifest(bytes, contentType(ctx.req))
  // The body may have taken long: is the credential still good (and, at the write, still held)?
  await ctx.recheckAccess()
  // Under the shared lock, so garbage collection cannot remove a reference between check and write.
  await ctx.store.gcLock.shared(async () => {
    await requireReferences(ctx.store, ctx.repository, parsed.requiredBlobs, parsed.childManifests)
    await ctx.store.putManifest(ctx.repository, { bytes, digest, parsed, tags }, () => {
      ctx.accessStillHeld()
      // Again at the write, under the repository's lock: the check above ran before the waits
      // for the credential and the references, and pushers racing on one `If-None-Match: *`
      // all passed it; here one wins and the others get 412, as a compare-and-swap must.
      checkPreconditions(ctx, tags)
      // And the references: the lock above keeps their bytes from a collection, not their links
      // from a deletion of the repository or of a blob that came between the check and here.
      requireReferencesHeld(ctx.store, ctx.repository, parsed.requiredBlobs, parsed.childManifests)
    })
  })
  const headers: Record<string, string> = {
    Location: `/v2/${ctx.repository}/manifests/${digest}`,
    'Docker-Content-Digest': digest,
  }
  if (parsed.subject) headers['OCI-Subject'] = parsed.subject
  if (byDigest && tags.length > 0) headers['OCI-Tag'] = tags.join(', ')
  sendEmpty(ctx, 201, headers)
}

/**
 * `DELETE /v2/<name>/manifests/<tag-or-digest>` (end-9): by tag removes only that tag; by digest
 * removes the manifest and every tag pointing at it.
 */
export async function deleteManifest(ctx: RouteContext): Promise<void> {
  const reference = requireReference(ctx.param)
  // Checked again at the write, under the repository's lock: the delete may have waited there
  // (behind another write) while its credential was revoked or its repository deleted.
  const removed = parseDigest(reference)
    ? await ctx.store.deleteManifest(ctx.repository, reference, ctx.accessStillHeld)
    : await ctx.store.deleteTag(ctx.repository, reference, ctx.accessStillHeld)
  if (!removed) throw new OciError('MANIFEST_UNKNOWN', { detail: { reference } })
  sendEmpty(ctx, 202)
}

// --- Internal ---

function isReference(reference: string): boolean {
  return reference.includes(':') ? parseDigest(reference) !== undefined : isTag(reference)
}

function requireReference(reference: string): string {
  if (reference.includes(':')) {
    if (parseDigest(reference) === undefined) {
      throw new OciError('DIGEST_INVALID', { detail: `invalid digest ${reference}` })
    }
  } else if (!isTag(reference)) {
    throw new OciError('TAG_INVALID', { detail: { tag: reference } })
  }
  return reference
}

function checkPreconditions(ctx: RouteContext, tags: string[]): void {
  // Each header read once, not once per tag: a PUT may name a thousand tags and list thousands of
  // entity tags, and read for every tag the two cost their product (16 KiB of request held the
  // main thread for half a second or more).
  const ifMatch = entityTags(ctx.req.headers['if-match'])
  // Compared weakly, as HTTP says (docs/oci-distribution.md#conditional-requests): `W/"<digest>"`,
  // the form a compressing proxy hands its clients, names the tag's manifest too; compared
  // exactly, it matched nothing and the PUT that was to be refused overwrote the tag. If-Match
  // compares strongly: a weak entry matches nothing.
  const ifNoneMatch = weaklyCompared(entityTags(ctx.req.headers['if-none-match']))
  if (ifMatch === undefined && ifNoneMatch === undefined) return
  for (const tag of tags) {
    const current = ctx.store.resolve(ctx.repository, tag)?.digest
    const etag = current === undefined ? undefined : `"${current}"`
    if (
      (ifMatch !== undefined && !matchesTag(ifMatch, etag)) ||
      (ifNoneMatch !== undefined && matchesTag(ifNoneMatch, etag))
    ) {
      throw new OciError('PRECONDITION_FAILED', { detail: { tag } })
    }
  }
}

/** The entries of an `If-Match` or `If-None-Match` header, trimmed; `undefined` without one. */
function entityTags(header: string | undefined): ReadonlySet<string> | undefined {
  return header === undefined ? undefined : new Set(header.split(',').map((v) => v.trim()))
}

/** The entries with any weak prefix (`W/`) dropped, for the weak comparison. */
function weaklyCompared(entries: ReadonlySet<string> | undefined): ReadonlySet<string> | undefined {
  return entries === undefined
    ? undefined
    : new Set([...entries].map((v) => (v.startsWith('W/') ? v.slice(2) : v)))
}

/** Whether a tag whose ETag is `etag` (`undefined`: no such tag) matches the header's entries. */
function matchesTag(entries: ReadonlySet<string>, etag: string | undefined): boolean {
  return etag !== undefined && (entries.has('*') || entries.has(etag))
}
