import { type RouteContext, sendJson } from '../http.js'

/** `GET /v2/` (end-1): the version check. Auth, when on, already answered 401 before this. */
export async function versionCheck(ctx: RouteContext): Promise<void> {
  sendJson(ctx, 200, {})
}
