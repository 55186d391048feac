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

/** A role's inline policy of provisioning as read before the run: `found: false` when none. */
export interface RolePolicyState {
  readonly found: boolean
  /** The parsed document; `undefined` when none was found. */
  readonly document: unknown
}

/**
 * Read the role's inline policy. `hasPolicy: false` (the role is created in this run, or listed
 * no such policy) skips the read: in a dry run there may be no role to read.
 */
export async function readRolePolicy(
  ctx: ProvisionContext,
  role: { name: string; hasPolicy: boolean },
): Promise<RolePolicyState> {
  if (!role.hasPolicy) return { found: false, document: undefined }
  const current = await awsRead(ctx, 'GetRolePolicy', (o) =>
    ctx.clients
      .iam()
      .send(new GetRolePolicyCommand({ RoleName: role.name, PolicyName: ROLE_POLICY_NAME }), o),
  )
  // Gone since the role was listed: as if it had none.
  if (current === undefined) return { found: false, document: undefined }
  return { found: true, document: parseReturnedPolicy(current.PolicyDocument) }
}

/** Put the role's inline policy when it was missing or said something else (`current`, as read). */
export async function ensureRolePolicy(
  ctx: ProvisionContext,
  role: { name: string; arn: string },
  wanted: IamPolicyDocument,
  current: RolePolicyState,
): Promise<void> {
  const id = rolePolicyId(role.arn)
  if (current.found && samePolicy(current.document, wanted)) {
    ctx.recorder.unchanged('iam-role-policy', id)
    return
  }
  const change = !current.found
    ? ({ action: 'create', kind: 'iam-role-policy', id } as const)
    : ({ action: 'update', kind: 'iam-role-policy', id, detail: 'policy document' } as const)
  await ctx.recorder.apply(change, () =>
    awsCall(ctx, 'PutRolePolicy', (o) =>
      ctx.clients.iam().send(
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
