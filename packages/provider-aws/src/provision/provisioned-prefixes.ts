import { GetRoleCommand, ListRolesCommand } from '@aws-sdk/client-iam'
import { awsRead, type ProvisionContext } from './context.js'
import { allIamPages } from './iam-pages.js'
import { ownerPrefixOf } from './role-survey.js'

/** A prefix another binding of the account was provisioned for, and the role that says so. */
export interface ProvisionedPrefix {
  readonly prefix: string
  readonly roleName: string
}

/**
 * The prefixes other bindings of the account were provisioned for, from the ownership mark of
 * their roles. `ListRoles` (every page) finds the candidates, the roles named `…-pull` or
 * `…-push` but `ownRoles`; IAM documents that `ListRoles` returns no tags, so each candidate's
 * mark is read with `GetRole`.
 */
export async function otherProvisionedPrefixes(
  ctx: ProvisionContext,
  ownRoles: readonly string[],
): Promise<ProvisionedPrefix[]> {
  const iam = ctx.clients.iam()
  const own = new Set(ownRoles.map((name) => name.toLowerCase()))
  const listed = await allIamPages(ctx, 'ListRoles', async (Marker, o) => {
    const page = await iam.send(new ListRolesCommand({ Marker }), o)
    return { ...page, items: page.Roles }
  })
  const found: ProvisionedPrefix[] = []
  for (const { RoleName } of listed ?? []) {
    if (RoleName === undefined || !/-pu(ll|sh)$/.test(RoleName)) continue
    if (own.has(RoleName.toLowerCase())) continue
    const role = await awsRead(ctx, 'GetRole', (o) => iam.send(new GetRoleCommand({ RoleName }), o))
    const prefix = role?.Role === undefined ? undefined : ownerPrefixOf(role.Role)
    if (prefix !== undefined) found.push({ prefix, roleName: RoleName })
  }
  return found
}

/**
 * Whether two bindings' repositories can share names: the same prefix, or one is the other
 * followed by `-` (`acme` and `acme-dev`: `acme-dev-app` is under both).
 */
export function prefixesOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}-`) || b.startsWith(`${a}-`)
}

/**
 * Whether `repository` belongs to another binding whose prefix is `prefix`'s, or longer:
 * deprovisioning `prefix` leaves it alone.
 */
export function ownedByOther(
  repository: string,
  prefix: string,
  others: readonly ProvisionedPrefix[],
): ProvisionedPrefix | undefined {
  return others.find(
    (other) =>
      (other.prefix === prefix || other.prefix.startsWith(`${prefix}-`)) &&
      repository.startsWith(`${other.prefix}-`),
  )
}
