import {
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  type Role,
} from '@aws-sdk/client-iam'
import { awsRead, type ProvisionContext } from './context.js'
import { allIamPages } from './iam-pages.js'
import { ROLE_POLICY_NAME } from './iam-role-policy.js'
import { roleArn } from './iam-roles.js'
import { OWNER_TAG_KEY } from './options.js'

/** One of the binding's roles as IAM holds it, read before anything is changed. */
export interface SurveyedRole {
  readonly name: string
  /** The role's ARN (the default path's when it does not exist). */
  readonly arn: string
  /** `undefined` when there is no such role. */
  readonly role: Role | undefined
  /** Names of its inline policies. */
  readonly inlinePolicies: readonly string[]
  /** ARNs of the managed policies attached to it. */
  readonly attachedPolicies: readonly string[]
}

/** Read a role, its inline policy names and its attached managed policies (every page). */
export async function surveyRole(ctx: ProvisionContext, name: string): Promise<SurveyedRole> {
  const iam = ctx.clients.iam()
  const found = await awsRead(ctx, 'GetRole', (o) =>
    iam.send(new GetRoleCommand({ RoleName: name }), o),
  )
  const role = found?.Role
  const arn = role?.Arn ?? roleArn(ctx, name)
  if (role === undefined) return { name, arn, role, inlinePolicies: [], attachedPolicies: [] }
  const inlinePolicies = await allIamPages(ctx, 'ListRolePolicies', async (Marker, o) => {
    const page = await iam.send(new ListRolePoliciesCommand({ RoleName: name, Marker }), o)
    return { ...page, items: page.PolicyNames }
  })
  const attached = await allIamPages(ctx, 'ListAttachedRolePolicies', async (Marker, o) => {
    const page = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name, Marker }), o)
    return { ...page, items: page.AttachedPolicies }
  })
  return {
    name,
    arn,
    role,
    inlinePolicies: inlinePolicies ?? [],
    attachedPolicies: (attached ?? []).map((p) => p.PolicyArn ?? p.PolicyName ?? '?'),
  }
}

/** The prefix a role's ownership mark names, or `undefined` for a role provisioning did not create. */
export function ownerPrefixOf(role: Role): string | undefined {
  return role.Tags?.find((tag) => tag.Key === OWNER_TAG_KEY)?.Value
}

/**
 * Why provisioning may not converge or delete `surveyed` for `prefix`, one line each: a role
 * without the ownership mark (or with another prefix's), an inline policy provisioning did not
 * write, an attached managed policy (provisioning attaches none). Empty for an absent role.
 */
export function ownershipProblems(surveyed: SurveyedRole, prefix: string): string[] {
  if (surveyed.role === undefined) return []
  const problems: string[] = []
  const owner = ownerPrefixOf(surveyed.role)
  if (owner === undefined) {
    problems.push(
      `role ${surveyed.name}, which provisioning did not create (no tag ${OWNER_TAG_KEY})`,
    )
  } else if (owner !== prefix) {
    problems.push(`role ${surveyed.name}, which provisioning created for prefix ${owner}`)
  }
  for (const name of surveyed.inlinePolicies) {
    if (name !== ROLE_POLICY_NAME) {
      problems.push(
        `inline policy ${name} of role ${surveyed.name}, which provisioning did not write`,
      )
    }
  }
  for (const arn of surveyed.attachedPolicies) {
    problems.push(
      `managed policy ${arn} attached to role ${surveyed.name}, which provisioning did not attach`,
    )
  }
  return problems
}
