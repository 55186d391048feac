import { type RouteContext, sendJson } from '../http.js'
import { requireDigest } from './blobs.js'

const INDEX = 'application/vnd.oci.image.index.v1+json'

/**
 * `GET /v2/<name>/referrers/<digest>[?artifactType=][&last=]` (end-12a/12b): an image index of
 * the manifests whose subject is `digest`; never 404, empty for an unknown subject or repository.
 * Paged by size (see `REFERRERS_PAGE_BYTES`): `Link` to the next page when more follow, as the
 * spec allows, so one request never gathers everything a pusher stacked on one subject.
 */
export async function listReferrers(ctx: RouteContext): Promise<void> {
  const digest = requireDigest(ctx.param)
  const artifactType = ctx.url.searchParams.get('artifactType') ?? undefined
  const after = ctx.url.searchParams.get('last') ?? undefined
  const page = await ctx.store.referrers(ctx.repository, digest, { artifactType, after })
  const headers: Record<string, string> = { 'Content-Type': INDEX }
  if (artifactType !== undefined) headers['OCI-Filters-Applied'] = 'artifactType'
  if (page.last !== undefined) {
    const next = new URLSearchParams({
      ...(artifactType !== undefined && { artifactType }),
      last: page.last,
    })
    headers.Link = `<${ctx.url.pathname}?${next}>; rel="next"`
  }
  sendJson(ctx, 200, { schemaVersion: 2, mediaType: INDEX, manifests: page.manifests }, headers)
}
