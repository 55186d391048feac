import { type RouteContext, sendJson } from '../http.js'

/**
 * `POST /_artifact-registry/gc` (admin only, not part of the OCI API): collect garbage now and
 * answer 200 with what was removed, `{ "deleted": n, "freedBytes": n, "spared": n }`.
 */
export async function collectGarbageNow(ctx: RouteContext): Promise<void> {
  const result = await ctx.garbageCollector.collect()
  sendJson(ctx, 200, result)
}
