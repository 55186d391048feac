import type { Descriptor } from './content.js'
import type { OciResponse } from './oci-client.js'

/** The 14 error codes of the distribution spec (docs/oci-distribution.md#error-codes). */
export const SPEC_ERROR_CODES: readonly string[] = [
  'BLOB_UNKNOWN',
  'BLOB_UPLOAD_INVALID',
  'BLOB_UPLOAD_UNKNOWN',
  'DIGEST_INVALID',
  'MANIFEST_BLOB_UNKNOWN',
  'MANIFEST_INVALID',
  'MANIFEST_UNKNOWN',
  'NAME_INVALID',
  'NAME_UNKNOWN',
  'SIZE_INVALID',
  'UNAUTHORIZED',
  'DENIED',
  'UNSUPPORTED',
  'TOOMANYREQUESTS',
]

interface TagList {
  name: string
  tags: string[]
}

export interface ReferrersIndex {
  schemaVersion: number
  mediaType: string
  manifests: Descriptor[]
}

export function parseJson<T>(response: OciResponse): T {
  return JSON.parse(new TextDecoder().decode(response.body)) as T
}

/** The `code`s of a `{"errors":[{code,message,detail}]}` body; [] when the body is not one. */
export function errorCodes(response: OciResponse): string[] {
  try {
    const { errors } = parseJson<{ errors?: { code?: unknown }[] }>(response)
    return Array.isArray(errors) ? errors.map((e) => String(e.code)) : []
  } catch {
    return []
  }
}

export function tagsOf(response: OciResponse): string[] {
  return parseJson<TagList>(response).tags ?? []
}

/**
 * The `Location` header as a path + query relative to the registry, because the spec allows
 * either an absolute URL or an absolute path and the conformance suite compares the path.
 */
export function locationPath(response: OciResponse, baseUrl: string): string | undefined {
  const location = response.headers.get('Location')
  if (!location) return undefined
  const url = new URL(location, baseUrl)
  return `${url.pathname}${url.search}`
}

/** Values of a header that may repeat or hold a comma list (`OCI-Tag`, `OCI-Filters-Applied`). */
export function headerValues(response: OciResponse, name: string): string[] {
  const raw = response.headers.get(name)
  if (!raw) return []
  return raw
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
}
