import type { ProvisionContext } from './context.js'
import { ROLE_POLICY_NAME, readRolePolicy } from './iam-role-policy.js'
import { policyRegions } from './policy-documents.js'
import { ownerPrefixOf, type SurveyedRole } from './role-survey.js'

/**
 * The regions whose `{prefix}-*` repositories the inline policies of `roles` reach: the home region
 * and each replica region of the last `provision`. Only roles carrying this prefix's ownership
 * mark count (another's policy says nothing of this binding). `deprovision` looks there too: the
 * options may omit a replica region and the rule may have been edited or removed by hand, and once
 * the roles are deleted no later run could find the repositories those regions still hold.
 */
export async function reachedRegions(
  ctx: ProvisionContext,
  roles: readonly SurveyedRole[],
): Promise<string[]> {
  const found = new Set<string>()
  for (const role of roles) {
    if (role.role === undefined || ownerPrefixOf(role.role) !== ctx.prefix) continue
    const hasPolicy = role.inlinePolicies.includes(ROLE_POLICY_NAME)
    const policy = await readRolePolicy(ctx, { name: role.name, hasPolicy })
    for (const region of policyRegions(policy.document, ctx.partition, ctx.accountId, ctx.prefix)) {
      found.add(region)
    }
  }
  return [...found]
}
