import type { IamPolicy } from '../iam-policy.js'
import type { PolicyRetryOptions } from '../options.js'
import type { PolicyTarget } from '../policy-update.js'
import { type IamApi, requestIam, serviceAccountName, serviceAccountPath } from './iam-api.js'

/**
 * @internal The IAM policy of a service account (who may act as it), read and written through
 * IAM v1 `serviceAccounts.getIamPolicy` (version 3 asked for) and `setIamPolicy`.
 */
export function serviceAccountPolicyTarget(
  api: IamApi,
  projectId: string,
  email: string,
  retry: Required<PolicyRetryOptions>,
): PolicyTarget {
  const path = serviceAccountPath(projectId, email)
  const resource = serviceAccountName(projectId, email)
  return {
    resource,
    retry,
    get: () =>
      requestIam<IamPolicy>(api, {
        method: 'POST',
        path: `${path}:getIamPolicy`,
        params: { 'options.requestedPolicyVersion': 3 },
        operation: 'serviceAccounts.getIamPolicy',
        resource,
      }),
    set: (policy) =>
      requestIam(api, {
        method: 'POST',
        path: `${path}:setIamPolicy`,
        data: { policy },
        operation: 'serviceAccounts.setIamPolicy',
        resource,
      }),
  }
}
