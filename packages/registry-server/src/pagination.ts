import { OciError } from './oci-errors.js'

/** One page of a sorted list and the `Link` header to the next page, if any. */
export interface Page {
  items: string[]
  link: string | undefined
}

/**
 * Page a sorted list by `n` (page size) and `last` (exclusive start), as tags/list and _catalog
 * do, a page holding at most `maxEntries` whatever `n` asks (the rest follow through the `Link`,
 * which keeps the client's `n`). `n=0` gives an empty page with no Link.
 */
export function paginate(
  sorted: readonly string[],
  url: URL,
  maxEntries: number = Number.POSITIVE_INFINITY,
): Page {
  const rawN = url.searchParams.get('n')
  const last = url.searchParams.get('last')
  // Found by bisection, not by a pass over the list: a page of a large repository costs its
  // size, not the repository's.
  const from = last === null ? 0 : firstAfter(sorted, last)
  if (rawN !== null && !/^\d+$/.test(rawN)) {
    throw new OciError('PAGINATION_NUMBER_INVALID', { detail: `n=${rawN}` })
  }
  const size = Math.min(rawN === null ? Number.POSITIVE_INFINITY : Number(rawN), maxEntries)
  if (size === Number.POSITIVE_INFINITY) return { items: sorted.slice(from), link: undefined }
  const items = sorted.slice(from, from + size)
  const more = size > 0 && sorted.length - from > size
  const next = new URLSearchParams({
    // The client's digits, only leading zeros dropped: through a number, an `n` of 22 digits or
    // more would come back as `1e+21`, which the next request refuses as no number.
    ...(rawN !== null && { n: rawN.replace(/^0+(?=\d)/, '') }),
    last: items.at(-1) ?? '',
  })
  return { items, link: more ? `<${url.pathname}?${next}>; rel="next"` : undefined }
}

/** The index of the first item of `sorted` after `last` (`sorted.length` when none is). */
function firstAfter(sorted: readonly string[], last: string): number {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if ((sorted[mid] as string) > last) high = mid
    else low = mid + 1
  }
  return low
}
