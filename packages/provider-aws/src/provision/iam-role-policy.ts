import {
  DeleteRolePolicyCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam'
import { awsCall, awsRead, type ProvisionContext } from './context.js'
import { type IamPolicyDocument, parseReturnedPolicy, samePolicy } from './policy-documents.js'

/** The name of the one inline policy provisioning writes into each role. */
export const ROLE_POLICY_NAME = 'artifact-registry'

/** The change id of a role's inline policy: the role's ARN, `#`, the policy's name. */
export function rolePolicyId(roleArn: string): string {
  return `${roleArn}#${ROLE_POLICY_NAME}`
}

/**
 * Put the role's inline policy when it is missing or says something else. `hasPolicy: false`
 * (the role is created in this run, or listed no such policy) skips the read: in a dry run there
 * may be no role to read.
 */
export async function ensureRolePolicy(
  ctx: ProvisionContext,
  role: { name: string; arn: string; hasPolicy: boolean },
  wanted: IamPolicyDocument,
): Promise<void> {
  const iam = ctx.clients.iam()
  const id = rolePolicyId(role.arn)
  const current = role.hasPolicy
    ? await awsRead(ctx, 'GetRolePolicy', (o) =>
        iam.send(
          new GetRolePolicyCommand({ RoleName: role.name, PolicyName: ROLE_POLICY_NAME }),
          o,
        ),
      )
    : undefined
  if (current !== undefined && samePolicy(parseReturnedPolicy(current.PolicyDocument), wanted)) {
    ctx.recorder.unchanged('iam-role-policy', id)
    return
  }
  const change =
    current === undefined
      ? ({ action: 'create', kind: 'iam-role-policy', id } as const)
      : ({ action: 'update', kind: 'iam-role-policy', id, detail: 'policy document' } as const)
  await ctx.recorder.apply(change, () =>
    awsCall(ctx, 'PutRolePolicy', (o) =>
      iam.send(
        new PutRolePolicyCommand({
          RoleName: role.name,
          PolicyName: ROLE_POLICY_NAME,
          PolicyDocument: JSON.stringify(wanted),
        }),
        o,
      ),
    ),
  )
}

/** Delete the role's inline policy of provisioning. */
export async function deleteRolePolicy(
  ctx: ProvisionContext,
  role: { name: string; arn: string },
): Promise<void> {
  await ctx.recorder.apply(
    { action: 'delete', kind: 'iam-role-policy', id: rolePolicyId(role.arn) },
    () =>
      awsCall(ctx, 'DeleteRolePolicy', (o) =>
        ctx.clients
          .iam()
          .send(
            new DeleteRolePolicyCommand({ RoleName: role.name, PolicyName: ROLE_POLICY_NAME }),
            o,
          ),
      ),
  )
}
