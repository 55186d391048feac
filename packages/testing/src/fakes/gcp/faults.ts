import { type ErrorPlane, oauthTokenErrors, type PlatformError } from '../faults.js'
import { CONCURRENT_POLICY_CHANGE } from './iam-policy-store.js'
import { oauthError } from './oauth-token.js'
import { type GoogleStatus, googleError, HTTP_STATUS_OF_GOOGLE_STATUS } from './responses.js'

/** Google's REST errors (`{"error":{"code","message","status"}}`) for each fault. */
const GOOGLE_API: ErrorPlane = {
  name: 'the Google API',
  errors: {
    throttling: google('RESOURCE_EXHAUSTED', 'Quota exceeded for quota metric "Requests".'),
    'server-error': google('INTERNAL', 'Internal error encountered.'),
    unavailable: google('UNAVAILABLE', 'The service is currently unavailable.'),
    'access-denied': google('PERMISSION_DENIED', 'The caller does not have permission'),
    unauthenticated: google('UNAUTHENTICATED', 'Request had invalid authentication credentials.'),
    // What a setIamPolicy with a stale etag gets.
    conflict: google('ABORTED', CONCURRENT_POLICY_CHANGE),
  },
  // `code` holds the canonical status: google() below put it there.
  render: (e) => googleError(e.code as GoogleStatus, e.message),
}

/** The OAuth 2.0 token endpoint's errors (`{"error","error_description"}`, RFC 6749). */
const OAUTH_TOKEN: ErrorPlane = {
  name: 'the OAuth token endpoint',
  errors: oauthTokenErrors({
    throttling: 'Rate limit exceeded.',
    'server-error': 'Internal error.',
    unavailable: 'Try again later.',
    'access-denied': 'Unauthorized client or scope in request.',
    unauthenticated: 'Unauthorized',
  }),
  render: (e) => oauthError(e.status, e.code, e.message),
}

/** @internal The error shape of an operation: OAuth's for the token endpoint, Google's otherwise. */
export function gcpErrorPlane(operation: string): ErrorPlane {
  return operation === 'oauthToken' ? OAUTH_TOKEN : GOOGLE_API
}

// --- Internal ---

function google(status: GoogleStatus, message: string): PlatformError {
  return { code: status, status: HTTP_STATUS_OF_GOOGLE_STATUS[status], message }
}
