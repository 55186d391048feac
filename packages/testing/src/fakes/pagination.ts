/** One page of a listing and the token of the next one (`undefined` on the last page). */
export interface TokenPage<T> {
  readonly items: T[]
  readonly nextToken: string | undefined
}

/**
 * @internal One page of `items` for a list call paginated by opaque tokens, as AWS (`nextToken`)
 * and Google APIs (`pageToken`) are. A token is bound to `scope` (what was listed: a region, a
 * GAR repository), so a token of another listing, or one the fake never issued, is refused:
 * `undefined` is the caller's cue to answer its service's invalid-argument error. Clients must
 * treat tokens as opaque; this one encodes the offset of the next item.
 */
export function tokenPage<T>(
  items: readonly T[],
  size: number,
  token: string | undefined,
  scope: string,
): TokenPage<T> | undefined {
  const start = token === undefined ? 0 : offsetOf(token, scope)
  if (start === undefined) return undefined
  const end = start + size
  return {
    items: items.slice(start, end),
    nextToken: end < items.length ? tokenOf(end, scope) : undefined,
  }
}

// --- Internal ---

function tokenOf(offset: number, scope: string): string {
  return Buffer.from(JSON.stringify({ scope, offset }), 'utf8').toString('base64url')
}

function offsetOf(token: string, scope: string): number | undefined {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
    const { scope: issuedFor, offset } = decoded as { scope?: unknown; offset?: unknown }
    if (issuedFor !== scope || !Number.isSafeInteger(offset) || (offset as number) < 0) {
      return undefined
    }
    return offset as number
  } catch {
    return undefined
  }
}
