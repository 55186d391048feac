import type { Permission } from '@artifact-registry/core'
import { platformError } from '../map-error.js'
import type { ProvisionContext } from './context.js'
import { ROLE_PERMISSIONS, roleName } from './iam-roles.js'
import { otherProvisionedPrefixes, type ProvisionedPrefix } from './provisioned-prefixes.js'
import { ownershipProblems, type SurveyedRole, surveyRole } from './role-survey.js'

/** The binding's two roles and the other bindings of the account, as read before any change. */
export interface Survey {
  /** The pull role, then the push role. */
  readonly roles: readonly (SurveyedRole & { readonly permission: Permission })[]
  readonly others: readonly ProvisionedPrefix[]
  /** What provisioning may not touch: the roles' {@link ownershipProblems}. */
  readonly problems: readonly string[]
}

/** Read both roles of binding `name` (with their policies) and the account's other bindings. */
export async function survey(ctx: ProvisionContext, name: string): Promise<Survey> {
  const roles: (SurveyedRole & { permission: Permission })[] = []
  for (const permission of ROLE_PERMISSIONS) {
    roles.push({ permission, ...(await surveyRole(ctx, roleName(name, permission))) })
  }
  const others = await otherProvisionedPrefixes(
    ctx,
    roles.map((r) => r.name),
  )
  const problems = roles.flatMap((role) => ownershipProblems(role, ctx.prefix))
  return { roles, others, problems }
}

/**
 * @throws ArtifactRegistryError `CONFLICT` naming each of `problems`, when there is one: what
 *   `verb` would have to take over, delete or share (`hint`: what the caller can do about it).
 */
export function refuseConflicts(
  verb: string,
  name: string,
  problems: readonly string[],
  hint = '',
): void {
  if (problems.length > 0) {
    throw platformError(
      'CONFLICT',
      `Cannot ${verb} ${name}; these are in the way: ${problems.join('; ')}${hint}`,
    )
  }
}
