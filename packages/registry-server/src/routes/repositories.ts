import { type RouteContext, sendEmpty } from '../http.js'

/**
 * `DELETE /_artifact-registry/repositories/<name>` (admin only, not part of the OCI API): revoke
 * every credential of the repository and the tokens issued from them, then remove every manifest,
 * tag and blob link, including untagged manifests that the OCI API cannot enumerate, and end its
 * upload sessions. Revoking first means no old credential gets in while the content goes, nor into
 * a repository re-created under the same name; revoking again once the content is gone catches a
 * credential minted during the deletion. Deleting a missing repository succeeds.
 */
export async function deleteRepository(ctx: RouteContext): Promise<void> {
  await ctx.auth?.revoke({ repository: ctx.repository })
  await ctx.store.deleteRepository(ctx.repository)
  // And again once the content is gone: a credential minted meanwhile (by a caller that saw the
  // repository still there) would otherwise outlive the delete, into the name created again.
  await ctx.auth?.revoke({ repository: ctx.repository })
  // Last: a session that cannot be removed fails the request (for the admin to retry) only once
  // every credential that could use it is revoked.
  await ctx.uploads.cancelRepository(ctx.repository)
  sendEmpty(ctx, 202)
}
