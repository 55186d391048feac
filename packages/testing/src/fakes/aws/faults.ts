import type { ErrorPlane } from '../faults.js'
import { iamActions } from './iam-routes.js'
import { iamError } from './iam-wire.js'
import { INVALID_TOKEN_MESSAGE as INVALID_TOKEN } from './sessions.js'
import { jsonError, xmlError } from './wire.js'

/** ECR's awsJson1_1 errors (`{"__type","message"}`, `x-amzn-errortype`) for each fault. */
const ECR_ERRORS = {
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
} as const satisfies ErrorPlane['errors']

const ECR: ErrorPlane = {
  name: 'ECR',
  errors: ECR_ERRORS,
  render: (e) => jsonError(e.code, e.message, e.status),
}

/**
 * STS's awsQuery errors (`<ErrorResponse><Error><Code>`) for each fault: ECR's messages (AWS words
 * them alike) under STS's own codes, but for access-denied, which names the refused action.
 */
const STS: ErrorPlane = {
  name: 'STS',
  errors: {
    throttling: { ...ECR_ERRORS.throttling, code: 'Throttling' },
    'server-error': { ...ECR_ERRORS['server-error'], code: 'InternalFailure' },
    unavailable: { ...ECR_ERRORS.unavailable, code: 'ServiceUnavailable' },
    'access-denied': {
      code: 'AccessDenied',
      status: 403,
      message: 'User is not authorized to perform sts:AssumeRole',
    },
    unauthenticated: { ...ECR_ERRORS.unauthenticated, code: 'InvalidClientTokenId', status: 403 },
  },
  render: (e) => xmlError(e.code, e.message, e.status),
}

/** IAM's awsQuery errors: STS's, but IAM names its internal error `ServiceFailure`. */
const IAM: ErrorPlane = {
  name: 'IAM',
  errors: {
    ...STS.errors,
    'server-error': { ...ECR_ERRORS['server-error'], code: 'ServiceFailure' },
    'access-denied': {
      code: 'AccessDenied',
      status: 403,
      message: 'User is not authorized to perform this IAM action',
    },
  },
  render: (e) => iamError(e.code, e.message, e.status),
}

/** Operations answered with the STS query protocol. */
const STS_OPERATIONS: ReadonlySet<string> = new Set(['AssumeRole', 'GetCallerIdentity'])
const IAM_OPERATIONS = iamActions()

/**
 * @internal The error shape of an operation: STS's or IAM's XML for their actions, ECR's JSON
 * otherwise.
 */
export function awsErrorPlane(operation: string): ErrorPlane {
  if (IAM_OPERATIONS.has(operation)) return IAM
  return STS_OPERATIONS.has(operation) ? STS : ECR
}
