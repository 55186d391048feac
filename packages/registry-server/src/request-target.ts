import { OciError } from './oci-errors.js'

// Only a target's path and query are used; the base stands in for the origin an origin-form
// target (`/v2/…`) leaves out.
const BASE = 'http://registry.invalid'

/**
 * The request's target (`req.url`) as a URL. Node hands on whatever target a client sends,
 * absolute forms that are no URL at all (`http://[bad/v2/`) included: those are the client's
 * mistake, 400 with an OCI error body, not a failure of the server.
 */
export function parseRequestTarget(target: string | undefined): URL {
  try {
    return new URL(target ?? '/', BASE)
  } catch {
    throw new OciError('UNSUPPORTED', {
      status: 400,
      message: 'the request target is not a valid URL',
    })
  }
}
