import type { AwsCrossAccountAccess } from '@artifact-registry/core'

/** `*` as the Lambda region of a worker grant made without regions: any region of the account. */
export const ANY_REGION = '*'

/**
 * Cross-account grants as sets of independent facts, so add and remove are exact set operations:
 * - `accounts`: accounts whose root principal may pull;
 * - `roles`: role ARNs that may pull (never widened to their account);
 * - `lambda`: `(account, region)` pairs whose Lambda functions may pull, keyed `account|region`.
 *
 * Invariant: every Lambda pair's account is in `accounts`, because a Lambda function of another
 * account can only pull when the repository policy allows both the Lambda service (with the
 * function's `aws:sourceArn`) and that account's principal.
 */
export interface GrantSet {
  readonly accounts: ReadonlySet<string>
  readonly roles: ReadonlySet<string>
  readonly lambda: ReadonlySet<string>
}

/** A grant set that grants nothing. */
export function emptyGrants(): GrantSet {
  return { accounts: new Set(), roles: new Set(), lambda: new Set() }
}

/** The facts an access value stands for: regions apply to `worker` only; none means any region. */
export function grantsOf(access: AwsCrossAccountAccess): GrantSet {
  const lambda = new Set<string>()
  if (access.allowedServiceTypes.includes('worker')) {
    const regions = access.regions.length > 0 ? access.regions : [ANY_REGION]
    for (const account of access.accountIds) {
      for (const region of regions) lambda.add(lambdaKey(account, region))
    }
  }
  return { accounts: new Set(access.accountIds), roles: new Set(access.roleArns), lambda }
}

/** `current ∪ change`; a role already granted under another spelling is not added again. */
export function addGrants(current: GrantSet, change: GrantSet): GrantSet {
  const held = new Set([...current.roles].map(roleIdentity))
  const roles = new Set(current.roles)
  for (const role of change.roles) {
    if (held.has(roleIdentity(role))) continue
    held.add(roleIdentity(role))
    roles.add(role)
  }
  return {
    accounts: new Set([...current.accounts, ...change.accounts]),
    roles,
    lambda: new Set([...current.lambda, ...change.lambda]),
  }
}

/**
 * `current ∖ change`, then Lambda pairs of accounts no longer granted are dropped too: revoking an
 * account removes it completely (its Lambda pairs could not work without it).
 */
export function removeGrants(current: GrantSet, change: GrantSet): GrantSet {
  const accounts = new Set([...current.accounts].filter((a) => !change.accounts.has(a)))
  const removed = new Set([...change.roles].map(roleIdentity))
  const roles = new Set([...current.roles].filter((r) => !removed.has(roleIdentity(r))))
  const lambda = new Set(
    [...current.lambda].filter((key) => !change.lambda.has(key) && accounts.has(splitKey(key)[0])),
  )
  return { accounts, roles, lambda }
}

/**
 * What `a` grants that `b` does not, fact by fact (roles by {@link roleIdentity}); unlike
 * {@link removeGrants}, a Lambda pair is kept whether or not its account is.
 */
export function grantsBeyond(a: GrantSet, b: GrantSet): GrantSet {
  const held = new Set([...b.roles].map(roleIdentity))
  return {
    accounts: new Set([...a.accounts].filter((account) => !b.accounts.has(account))),
    roles: new Set([...a.roles].filter((role) => !held.has(roleIdentity(role)))),
    lambda: new Set([...a.lambda].filter((key) => !b.lambda.has(key))),
  }
}

/** Whether a grant set grants nothing. */
export function grantsNothing(grants: GrantSet): boolean {
  return grants.accounts.size === 0 && grants.roles.size === 0 && grants.lambda.size === 0
}

/** Whether two grant sets hold the same facts. */
export function sameGrants(a: GrantSet, b: GrantSet): boolean {
  const same = (x: ReadonlySet<string>, y: ReadonlySet<string>): boolean =>
    x.size === y.size && [...x].every((v) => y.has(v))
  return same(a.accounts, b.accounts) && same(a.roles, b.roles) && same(a.lambda, b.lambda)
}

/**
 * The contract's flat view of a grant set (sorted lists); `worker` is allowed when any Lambda pair
 * exists. `regions` lists the named Lambda regions, and is empty (any region) as soon as one
 * account's functions may pull from any region: the flat view cannot say "any" of one account
 * only, and listing named regions then would report less access than the policy gives.
 */
export function toAccess(grants: GrantSet): AwsCrossAccountAccess {
  const lambdaAccounts = [...grants.lambda].map((key) => splitKey(key)[0])
  const named = [...grants.lambda].map((key) => splitKey(key)[1])
  const regions = named.includes(ANY_REGION) ? [] : named
  return {
    type: 'aws',
    accountIds: sorted([...grants.accounts, ...lambdaAccounts]),
    roleArns: sorted(grants.roles),
    regions: sorted(regions),
    allowedServiceTypes: grants.lambda.size > 0 ? ['worker'] : [],
  }
}

/**
 * Which role an ARN names. IAM does not tell role names apart by case (`Puller` and `puller`
 * cannot both exist in an account), and a role's name is unique in its account whatever its
 * path, so a grant removed under another spelling than it was made with is still removed.
 */
export function roleIdentity(arn: string): string {
  const match = /^arn:([\w-]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn)
  if (match === null) return arn
  const [, partition, account, name = ''] = match
  return `${partition}:${account}:${name.toLowerCase()}`
}

/** The key of one Lambda pair. */
export function lambdaKey(account: string, region: string): string {
  return `${account}|${region}`
}

/** `[account, region]` of a Lambda pair key. */
export function splitKey(key: string): [string, string] {
  const [account = '', region = ''] = key.split('|')
  return [account, region]
}

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort()
}
