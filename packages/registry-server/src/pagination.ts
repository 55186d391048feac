import { OciError } from './oci-errors.js'

/** One page of a sorted list and the `Link` header to the next page, if any. */
export interface Page {
  items: string[]
  link: string | undefined
}

/**
 * Page a sorted list by `n` (page size) and `last` (exclusive start), as tags/list and _catalog
 * do. `n=0` gives an empty page with no Link.
 */
export function paginate(sorted: readonly string[], url: URL): Page {
  const rawN = url.searchParams.get('n')
  const last = url.searchParams.get('last')
  const start = last === null ? sorted : sorted.filter((item) => item > last)
  if (rawN === null) return { items: [...start], link: undefined }
  if (!/^\d+$/.test(rawN)) throw new OciError('PAGINATION_NUMBER_INVALID', { detail: `n=${rawN}` })
  const n = Number(rawN)
  const items = start.slice(0, n)
  const more = n > 0 && start.length > n
  const next = new URLSearchParams({ n: String(n), last: items.at(-1) ?? '' })
  return { items, link: more ? `<${url.pathname}?${next}>; rel="next"` : undefined }
}
