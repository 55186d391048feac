import type { ErrorPlane } from '../faults.js'
import { INVALID_TOKEN_MESSAGE as INVALID_TOKEN } from './sessions.js'
import { jsonError, xmlError } from './wire.js'

/** ECR's awsJson1_1 errors (`{"__type","message"}`, `x-amzn-errortype`) for each fault. */
const ECR: ErrorPlane = {
  name: 'ECR',
  errors: {
    throttling: { code: 'ThrottlingException', status: 400, message: 'Rate exceeded' },
    'server-error': {
      code: 'ServerException',
      status: 500,
      message: 'The service encountered an internal error',
    },
    unavailable: {
      code: 'ServiceUnavailableException',
      status: 503,
      message: 'The service is unavailable',
    },
    'access-denied': {
      code: 'AccessDeniedException',
      status: 400,
      message: 'User is not authorized to perform this operation',
    },
    unauthenticated: { code: 'UnrecognizedClientException', status: 400, message: INVALID_TOKEN },
  },
  render: (e) => jsonError(e.code, e.message, e.status),
}

/** STS's awsQuery errors (`<ErrorResponse><Error><Code>`) for each fault. */
const STS: ErrorPlane = {
  name: 'STS',
  errors: {
    throttling: { code: 'Throttling', status: 400, message: 'Rate exceeded' },
    'server-error': {
      code: 'InternalFailure',
      status: 500,
      message: 'The service encountered an internal error',
    },
    unavailable: { code: 'ServiceUnavailable', status: 503, message: 'The service is unavailable' },
    'access-denied': {
      code: 'AccessDenied',
      status: 403,
      message: 'User is not authorized to perform sts:AssumeRole',
    },
    unauthenticated: { code: 'InvalidClientTokenId', status: 403, message: INVALID_TOKEN },
  },
  render: (e) => xmlError(e.code, e.message, e.status),
}

/** Operations answered with the STS query protocol. */
const STS_OPERATIONS: ReadonlySet<string> = new Set(['AssumeRole', 'GetCallerIdentity'])

/** @internal The error shape of an operation: STS's XML for STS actions, ECR's JSON otherwise. */
export function awsErrorPlane(operation: string): ErrorPlane {
  return STS_OPERATIONS.has(operation) ? STS : ECR
}
