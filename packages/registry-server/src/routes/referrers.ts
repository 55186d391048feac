import { type RouteContext, sendJson } from '../http.js'
import { requireDigest } from './blobs.js'

const INDEX = 'application/vnd.oci.image.index.v1+json'

/**
 * `GET /v2/<name>/referrers/<digest>[?artifactType=]` (end-12a/12b): an image index of the
 * manifests whose subject is `digest`; never 404, empty for an unknown subject or repository.
 */
export async function listReferrers(ctx: RouteContext): Promise<void> {
  const digest = requireDigest(ctx.param)
  const artifactType = ctx.url.searchParams.get('artifactType')
  let manifests = await ctx.store.referrers(ctx.repository, digest)
  const headers: Record<string, string> = { 'Content-Type': INDEX }
  if (artifactType !== null) {
    manifests = manifests.filter((m) => m.artifactType === artifactType)
    headers['OCI-Filters-Applied'] = 'artifactType'
  }
  sendJson(ctx, 200, { schemaVersion: 2, mediaType: INDEX, manifests }, headers)
}
