import type { FakeResponse } from '../fake-server.js'
import type { IamEvaluator } from './iam-evaluator.js'
import type { IamState } from './iam-state.js'
import { iamError } from './iam-wire.js'
import { callerArn, type FakeSession } from './sessions.js'

/**
 * IAM's `AccessDenied` when the caller's policies do not allow `action` on `resource`, else
 * `undefined`.
 */
export function refused(
  ctx: {
    readonly iam: IamEvaluator
    readonly session: FakeSession | undefined
    readonly state: Pick<IamState, 'accountId'>
  },
  action: string,
  resource: string,
): FakeResponse | undefined {
  const refusal = ctx.iam.refusal(ctx.session, action, resource)
  if (refusal === undefined) return undefined
  return iamError(
    'AccessDenied',
    `User: ${callerArn(ctx.session, ctx.state.accountId)} is not authorized to perform: ${action} on resource: ${resource} because no ${refusal} policy allows the ${action} action`,
    403,
  )
}
