import type { ErrorPlane } from '../faults.js'
import { entraError } from './entra.js'
import { acrError, armError } from './responses.js'

/** ARM's errors (`{"error":{"code","message"}}`) for each fault. */
const ARM: ErrorPlane = {
  name: 'ARM',
  errors: {
    throttling: { code: 'TooManyRequests', status: 429, message: 'Too many requests' },
    'server-error': {
      code: 'InternalServerError',
      status: 500,
      message: 'Encountered internal server error.',
    },
    unavailable: {
      code: 'ServiceUnavailable',
      status: 503,
      message: 'The service is unavailable.',
    },
    'access-denied': {
      code: 'AuthorizationFailed',
      status: 403,
      message: 'The client does not have authorization to perform this action.',
    },
    unauthenticated: {
      code: 'InvalidAuthenticationToken',
      status: 401,
      message: 'The access token is invalid or expired.',
    },
    conflict: {
      code: 'Conflict',
      status: 409,
      message: 'Another operation is in progress on this resource.',
    },
  },
  render: (e) => armError(e.status, e.code, e.message),
}

/** The ACR data plane's errors (`{"errors":[{"code","message","detail"}]}`) for each fault. */
const ACR: ErrorPlane = {
  name: 'the ACR data plane',
  errors: {
    throttling: { code: 'TOOMANYREQUESTS', status: 429, message: 'too many requests' },
    'server-error': { code: 'UNKNOWN', status: 500, message: 'internal server error' },
    unavailable: { code: 'UNAVAILABLE', status: 503, message: 'service unavailable' },
    'access-denied': {
      code: 'DENIED',
      status: 403,
      message: 'requested access to the resource is denied',
    },
    unauthenticated: { code: 'UNAUTHORIZED', status: 401, message: 'authentication required' },
  },
  render: (e) => acrError(e.status, e.code, e.message),
}

/** Entra ID's token endpoint errors (`{"error","error_description"}`) for each fault. */
const ENTRA: ErrorPlane = {
  name: 'Entra ID',
  errors: {
    throttling: {
      code: 'temporarily_unavailable',
      status: 429,
      message: 'AADSTS50196: The server terminated an operation because it encountered a loop.',
    },
    'server-error': { code: 'server_error', status: 500, message: 'AADSTS90100: internal error' },
    unavailable: {
      code: 'temporarily_unavailable',
      status: 503,
      message: 'AADSTS90033: A transient error has occurred. Please try again.',
    },
    'access-denied': {
      code: 'unauthorized_client',
      status: 400,
      message: 'AADSTS7000112: Application is disabled.',
    },
    unauthenticated: {
      code: 'invalid_client',
      status: 401,
      message: 'AADSTS7000215: Invalid client secret provided.',
    },
  },
  render: (e) => entraError(e.status, e.code, e.message),
}

/** @internal The error shape of an operation: Entra ID's, the data plane's or ARM's. */
export function azureErrorPlane(operation: string): ErrorPlane {
  if (operation.startsWith('entra.')) return ENTRA
  if (operation.startsWith('acr.')) return ACR
  return ARM
}
