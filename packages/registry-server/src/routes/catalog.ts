import { type RouteContext, sendJson } from '../http.js'
import { paginate } from '../pagination.js'

/** `GET /v2/_catalog[?n=&last=]`: repositories that hold anything, sorted, paginated with Link. */
export async function listCatalog(ctx: RouteContext): Promise<void> {
  const page = paginate(ctx.store.repositories(), ctx.url, ctx.options.maxPageEntries)
  sendJson(ctx, 200, { repositories: page.items }, page.link ? { Link: page.link } : {})
}
