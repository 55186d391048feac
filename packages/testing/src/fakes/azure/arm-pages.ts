import type { FakeRequest, FakeResponse } from '../fake-server.js'
import { tokenPage } from '../pagination.js'
import { armError, json, originOf } from './responses.js'

/**
 * How many resources one page of an ARM list holds unless the fake is told otherwise. ARM pages
 * lists by `nextLink` (an absolute URL carrying a `$skipToken`) at a size the resource provider
 * picks and does not document: the fake picks a small one, so that clients that read only the
 * first page fail its tests.
 */
export const DEFAULT_ARM_PAGE_LIMIT = 20

/**
 * One page of `bodies`, with the `nextLink` of the next page, as ARM answers a list: the request's
 * own query (`api-version`, `$filter`) with the `$skipToken` of the next page. A `$skipToken`
 * this listing (`scope`) never issued is ARM's 400.
 */
export function armListPage(
  request: FakeRequest,
  scope: string,
  bodies: readonly unknown[],
  pageLimit: number,
): FakeResponse {
  const token = request.url.searchParams.get('$skipToken') ?? undefined
  const page = tokenPage(bodies, pageLimit, token, scope)
  if (page === undefined) return armError(400, 'BadRequest', 'The $skipToken is not valid.')
  if (page.nextToken === undefined) return json(200, { value: page.items })
  const query = new URLSearchParams(request.url.searchParams)
  query.set('$skipToken', page.nextToken)
  const nextLink = `${originOf(request)}${request.url.pathname}?${query}`
  return json(200, { value: page.items, nextLink })
}
