import { type RouteContext, sendEmpty } from '../http.js'

/**
 * `DELETE /_artifact-registry/repositories/<name>` (admin only, not part of the OCI API): revoke
 * every credential of the repository and the tokens issued from them, then remove every manifest,
 * tag and blob link, including untagged manifests that the OCI API cannot enumerate. Revoking
 * first means no old credential gets in while the content goes, nor into a repository re-created
 * under the same name. Deleting a missing repository succeeds.
 */
export async function deleteRepository(ctx: RouteContext): Promise<void> {
  await ctx.auth?.revoke({ repository: ctx.repository })
  await ctx.store.deleteRepository(ctx.repository)
  sendEmpty(ctx, 202)
}
