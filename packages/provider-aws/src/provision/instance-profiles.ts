import { ListInstanceProfilesForRoleCommand } from '@aws-sdk/client-iam'
import type { ProvisionContext } from './context.js'
import { allIamPages } from './iam-pages.js'
import type { SurveyedRole } from './role-survey.js'

/**
 * Why `deprovision` may not delete the surveyed roles, one line each: every instance profile
 * (every page) that holds one of them. IAM's `DeleteRole` refuses such a role (`DeleteConflict`),
 * and by then `force` would have deleted the repositories and the inline policy; so this is read
 * before any change. Provisioning never puts a role into an instance profile: someone else did,
 * and an EC2 instance may run with it.
 */
export async function instanceProfileProblems(
  ctx: ProvisionContext,
  roles: readonly SurveyedRole[],
): Promise<string[]> {
  const iam = ctx.clients.iam()
  const problems: string[] = []
  for (const role of roles) {
    if (role.role === undefined) continue
    const RoleName = role.name
    const profiles = await allIamPages(ctx, 'ListInstanceProfilesForRole', async (Marker, o) => {
      const page = await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName, Marker }), o)
      return { ...page, items: page.InstanceProfiles }
    })
    for (const profile of profiles ?? []) {
      problems.push(
        `role ${role.name}, which instance profile ${profile.Arn ?? profile.InstanceProfileName} holds`,
      )
    }
  }
  return problems
}
