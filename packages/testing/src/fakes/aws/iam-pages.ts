import type { FakeResponse } from '../fake-server.js'
import { invalidParameter } from './iam-params.js'
import { iamError } from './iam-wire.js'
import { escapeXml } from './wire.js'

/** IAM's default `MaxItems` of its list actions. */
const DEFAULT_MAX_ITEMS = 100

/** One page of an IAM list action, and the `<IsTruncated>`/`<Marker>` elements that end it. */
export interface IamPage<T> {
  readonly items: readonly T[]
  readonly tailXml: string
}

/**
 * The page of `items` that `Marker` and `MaxItems` (1–1000, default 100) select, as IAM's list
 * actions answer. IAM documents that it may return fewer than `MaxItems` with `IsTruncated`
 * true, so `pageLimit` (the fake's option) caps every page to make callers follow `Marker`.
 */
export function iamPage<T>(
  form: URLSearchParams,
  items: readonly T[],
  pageLimit: number | undefined,
): IamPage<T> | FakeResponse {
  const raw = form.get('MaxItems')
  const maxItems = raw === null ? DEFAULT_MAX_ITEMS : Number(raw)
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 1000) {
    return invalidParameter('maxItems', raw, 'Member must have value between 1 and 1000')
  }
  const marker = form.get('Marker')
  const start = marker === null ? 0 : startOf(marker)
  if (start === undefined || start > items.length) {
    return iamError('InvalidInput', `Invalid Marker: ${marker}`, 400)
  }
  const size = Math.min(maxItems, pageLimit ?? maxItems)
  const end = start + size
  const truncated = end < items.length
  const tailXml = truncated
    ? `<IsTruncated>true</IsTruncated><Marker>${escapeXml(markerOf(end))}</Marker>`
    : '<IsTruncated>false</IsTruncated>'
  return { items: items.slice(start, end), tailXml }
}

// --- Internal ---

// IAM's markers are opaque; the fake's carry the index of the page's first item.
function markerOf(index: number): string {
  return Buffer.from(`page:${index}`).toString('base64')
}

function startOf(marker: string): number | undefined {
  const match = /^page:(\d+)$/.exec(Buffer.from(marker, 'base64').toString('utf8'))
  return match === null ? undefined : Number(match[1])
}
