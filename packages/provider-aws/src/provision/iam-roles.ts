import type { Permission } from '@artifact-registry/core'
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  PutRolePermissionsBoundaryCommand,
  type Role,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam'
import { awsCall, type ProvisionContext } from './context.js'
import { type IamPolicyDocument, parseReturnedPolicy, samePolicy } from './policy-documents.js'

/** The session length both roles allow: 12 hours, the longest credentials the runtime mints. */
export const MAX_SESSION_SECONDS = 43_200

/** A role as provisioning wants it. */
export interface WantedRole {
  readonly permission: Permission
  readonly name: string
  readonly trust: IamPolicyDocument
  readonly permissionsBoundaryArn: string | undefined
  readonly tags: Readonly<Record<string, string>>
}

/** The permissions of the two roles, in the order provisioning handles them. */
export const ROLE_PERMISSIONS: readonly Permission[] = ['pull', 'push-pull']

/** `{name}-pull` and `{name}-push`. */
export function roleName(name: string, permission: Permission): string {
  return `${name}-${permission === 'pull' ? 'pull' : 'push'}`
}

/** The ARN of a role of the default path `/`. */
export function roleArn(
  ctx: Pick<ProvisionContext, 'partition' | 'accountId'>,
  name: string,
): string {
  return `arn:${ctx.partition}:iam::${ctx.accountId}:role/${name}`
}

/** A role is trusted by a principal IAM does not know: the caller's mistake, not ours. */
const TRUST_CODES = { MalformedPolicyDocumentException: 'INVALID_ARGUMENT' } as const

/**
 * Create the role, or put back what differs from `wanted`: the trust policy, the session length,
 * the permissions boundary (when one is wanted) and the wanted tags (others' tags stay). `role`
 * is the role as read before any change (`undefined`: absent), and its ownership checked.
 * @returns the role's ARN and whether it existed before.
 */
export async function ensureRole(
  ctx: ProvisionContext,
  wanted: WantedRole,
  role: Role | undefined,
): Promise<{ arn: string; existed: boolean }> {
  const iam = ctx.clients.iam()
  if (role === undefined) {
    const arn = roleArn(ctx, wanted.name)
    const created = await ctx.recorder.apply({ action: 'create', kind: 'iam-role', id: arn }, () =>
      awsCall(ctx, 'CreateRole', (o) => iam.send(createCommand(wanted), o), TRUST_CODES),
    )
    return { arn: created?.Role?.Arn ?? arn, existed: false }
  }
  const arn = role.Arn ?? roleArn(ctx, wanted.name)
  const drift = driftOf(ctx, role, wanted)
  if (drift.length === 0) {
    ctx.recorder.unchanged('iam-role', arn)
  } else {
    await ctx.recorder.apply(
      { action: 'update', kind: 'iam-role', id: arn, detail: drift.map((d) => d.what).join(', ') },
      async () => {
        for (const d of drift) await d.repair()
      },
    )
  }
  return { arn, existed: true }
}

/** Delete the role; IAM refuses while it holds inline policies, so delete those first. */
export async function deleteRole(ctx: ProvisionContext, name: string, arn: string): Promise<void> {
  await ctx.recorder.apply({ action: 'delete', kind: 'iam-role', id: arn }, () =>
    awsCall(ctx, 'DeleteRole', (o) =>
      ctx.clients.iam().send(new DeleteRoleCommand({ RoleName: name }), o),
    ),
  )
}

// --- Internal ---

/** One way a role differs from what provisioning wants, and the call that puts it back. */
interface Drift {
  readonly what: string
  readonly repair: () => Promise<unknown>
}

/** What differs between the role IAM returned and `w`, each with its repair. */
function driftOf(ctx: ProvisionContext, role: Role, w: WantedRole): Drift[] {
  const iam = ctx.clients.iam()
  const drift: Drift[] = []
  const RoleName = w.name
  if (!samePolicy(parseReturnedPolicy(role.AssumeRolePolicyDocument), w.trust)) {
    const PolicyDocument = JSON.stringify(w.trust)
    drift.push({
      what: 'trust policy',
      repair: () =>
        awsCall(
          ctx,
          'UpdateAssumeRolePolicy',
          (o) => iam.send(new UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument }), o),
          TRUST_CODES,
        ),
    })
  }
  if (role.MaxSessionDuration !== MAX_SESSION_SECONDS) {
    drift.push({
      what: 'MaxSessionDuration',
      repair: () =>
        awsCall(ctx, 'UpdateRole', (o) =>
          iam.send(new UpdateRoleCommand({ RoleName, MaxSessionDuration: MAX_SESSION_SECONDS }), o),
        ),
    })
  }
  const boundary = w.permissionsBoundaryArn
  if (boundary !== undefined && role.PermissionsBoundary?.PermissionsBoundaryArn !== boundary) {
    drift.push({
      what: 'permissions boundary',
      repair: () =>
        awsCall(ctx, 'PutRolePermissionsBoundary', (o) =>
          iam.send(
            new PutRolePermissionsBoundaryCommand({ RoleName, PermissionsBoundary: boundary }),
            o,
          ),
        ),
    })
  }
  const current = new Map((role.Tags ?? []).map((t) => [t.Key, t.Value]))
  const missing = Object.entries(w.tags).filter(([k, v]) => current.get(k) !== v)
  if (missing.length > 0) {
    const Tags = missing.map(([Key, Value]) => ({ Key, Value }))
    drift.push({
      what: 'tags',
      repair: () =>
        awsCall(ctx, 'TagRole', (o) => iam.send(new TagRoleCommand({ RoleName, Tags }), o)),
    })
  }
  return drift
}

function createCommand(wanted: WantedRole): CreateRoleCommand {
  const tags = Object.entries(wanted.tags).map(([Key, Value]) => ({ Key, Value }))
  return new CreateRoleCommand({
    RoleName: wanted.name,
    AssumeRolePolicyDocument: JSON.stringify(wanted.trust),
    MaxSessionDuration: MAX_SESSION_SECONDS,
    Description: `${wanted.permission} credentials of artifact-registry (session policies narrow them to one repository)`,
    ...(wanted.permissionsBoundaryArn === undefined
      ? {}
      : { PermissionsBoundary: wanted.permissionsBoundaryArn }),
    ...(tags.length === 0 ? {} : { Tags: tags }),
  })
}
