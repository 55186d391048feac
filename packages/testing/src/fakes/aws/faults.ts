import type { FakeResponse } from '../fake-server.js'
import type { AwsFaultKind } from './types.js'
import { jsonError, xmlError } from './wire.js'

/** The error each fault kind produces, per protocol, as the real services send it. */
const FAULTS: Readonly<
  Record<AwsFaultKind, { ecr: [string, number]; sts: [string, number]; message: string }>
> = {
  throttling: {
    ecr: ['ThrottlingException', 400],
    sts: ['Throttling', 400],
    message: 'Rate exceeded',
  },
  'server-error': {
    ecr: ['ServerException', 500],
    sts: ['InternalFailure', 500],
    message: 'The service encountered an internal error',
  },
  unavailable: {
    ecr: ['ServiceUnavailableException', 503],
    sts: ['ServiceUnavailable', 503],
    message: 'The service is unavailable',
  },
  'access-denied': {
    ecr: ['AccessDeniedException', 400],
    sts: ['AccessDenied', 403],
    message: 'User is not authorized to perform this operation',
  },
}

/** A protocol-correct error answer for an injected fault. */
export function faultResponse(kind: AwsFaultKind, sts: boolean): FakeResponse {
  const fault = FAULTS[kind]
  const [code, status] = sts ? fault.sts : fault.ecr
  return sts ? xmlError(code, fault.message, status) : jsonError(code, fault.message, status)
}

/** Operations answered with the STS query protocol. */
export const STS_OPERATIONS: ReadonlySet<string> = new Set(['AssumeRole', 'GetCallerIdentity'])
