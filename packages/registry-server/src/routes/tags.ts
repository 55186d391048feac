import { type RouteContext, sendJson } from '../http.js'
import { OciError } from '../oci-errors.js'
import { paginate } from '../pagination.js'

/** `GET /v2/<name>/tags/list[?n=&last=]` (end-8a/8b). */
export async function listTags(ctx: RouteContext): Promise<void> {
  const tags = ctx.store.tags(ctx.repository)
  if (tags === undefined) throw new OciError('NAME_UNKNOWN', { detail: { name: ctx.repository } })
  const page = paginate(tags, ctx.url, ctx.options.maxPageEntries)
  sendJson(
    ctx,
    200,
    { name: ctx.repository, tags: page.items },
    page.link ? { Link: page.link } : {},
  )
}
