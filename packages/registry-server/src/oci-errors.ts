/** The OCI and Docker registry error codes we send, with their HTTP status. */
export const OCI_ERRORS = {
  BLOB_UNKNOWN: { status: 404, message: 'blob unknown to registry' },
  BLOB_UPLOAD_INVALID: { status: 400, message: 'blob upload invalid' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: 'blob upload unknown to registry' },
  DIGEST_INVALID: { status: 400, message: 'provided digest did not match uploaded content' },
  MANIFEST_BLOB_UNKNOWN: { status: 400, message: 'manifest references a blob unknown to registry' },
  MANIFEST_INVALID: { status: 400, message: 'manifest invalid' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown' },
  NAME_INVALID: { status: 400, message: 'invalid repository name' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry' },
  SIZE_INVALID: { status: 400, message: 'provided length did not match content length' },
  UNAUTHORIZED: { status: 401, message: 'authentication required' },
  DENIED: { status: 403, message: 'requested access to the resource is denied' },
  UNSUPPORTED: { status: 405, message: 'the operation is unsupported' },
  TOOMANYREQUESTS: { status: 429, message: 'too many requests' },
  TAG_INVALID: { status: 400, message: 'manifest tag did not match URI' },
  RANGE_INVALID: { status: 416, message: 'invalid content range' },
  PAGINATION_NUMBER_INVALID: { status: 400, message: 'invalid number of results requested' },
  // Not a spec code: conditional requests (If-Match / If-None-Match) that fail are HTTP 412.
  PRECONDITION_FAILED: { status: 412, message: 'precondition failed' },
  // Not a spec code: a request body that stopped arriving (408) is ended rather than waited for.
  REQUEST_TIMEOUT: { status: 408, message: 'the request body stopped arriving' },
  UNKNOWN: { status: 500, message: 'unknown error' },
} as const

/** One of {@link OCI_ERRORS}' codes. */
export type OciErrorCode = keyof typeof OCI_ERRORS

/** An error that renders as the spec's JSON error body with its status. */
export class OciError extends Error {
  override readonly name = 'OciError'
  readonly code: OciErrorCode
  readonly status: number
  readonly detail: unknown
  readonly headers: Readonly<Record<string, string>>

  constructor(
    code: OciErrorCode,
    options: {
      message?: string
      detail?: unknown
      status?: number
      headers?: Record<string, string>
    } = {},
  ) {
    super(options.message ?? OCI_ERRORS[code].message)
    this.code = code
    this.status = options.status ?? OCI_ERRORS[code].status
    this.detail = options.detail ?? null
    this.headers = options.headers ?? {}
  }

  /** The JSON body: `{ errors: [{ code, message, detail }] }`. */
  toBody(): { errors: { code: string; message: string; detail: unknown }[] } {
    return { errors: [{ code: this.code, message: this.message, detail: this.detail }] }
  }
}
