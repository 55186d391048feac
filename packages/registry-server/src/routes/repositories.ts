import { type RouteContext, sendEmpty } from '../http.js'

/**
 * `DELETE /_artifact-registry/repositories/<name>` (admin only, not part of the OCI API): remove
 * every manifest, tag and blob link of the repository, including untagged manifests that the
 * OCI API cannot enumerate. Deleting a missing repository succeeds.
 */
export async function deleteRepository(ctx: RouteContext): Promise<void> {
  await ctx.store.deleteRepository(ctx.repository)
  sendEmpty(ctx, 202)
}
