import { isIamIdentityArn } from './principals.js'

/** The unique id of each role or user ARN a resource policy named when it was stored. */
export type PrincipalIds = ReadonlyMap<string, string>

/** The unique id of the role or user that has an ARN now, or `undefined`. */
export type IdOf = (arn: string) => string | undefined

/**
 * What IAM stores for the role and user principals of a resource policy being set: not their
 * ARNs but the unique ids of the roles and users that have them now. Account roots, services and
 * `*` have none.
 */
export function bindPrincipals(policyText: string, idOf: IdOf): PrincipalIds {
  const ids = new Map<string, string>()
  for (const principal of awsPrincipals(parse(policyText))) {
    const id = isIamIdentityArn(principal) ? idOf(principal) : undefined
    if (id !== undefined) ids.set(principal, id)
  }
  return ids
}

/**
 * The policy as the service shows it: a principal whose role or user was deleted since (or
 * deleted and created again, which gives it a new unique id) reads as the unique id it was stored
 * as, `AROA…` or `AIDA…`, because that is what the policy still names and no ARN leads to it any
 * more. The text is unchanged when every principal still stands for what it did.
 */
export function showPrincipals(policyText: string, ids: PrincipalIds, idOf: IdOf): string {
  const doc = parse(policyText)
  let changed = false
  const show = (principal: unknown): unknown => {
    if (typeof principal !== 'string') return principal
    const stored = ids.get(principal)
    if (stored === undefined || idOf(principal) === stored) return principal
    changed = true
    return stored
  }
  for (const holder of principalHolders(doc)) {
    const aws = holder.AWS
    holder.AWS = Array.isArray(aws) ? aws.map(show) : show(aws)
  }
  return changed ? JSON.stringify(doc) : policyText
}

// --- Internal ---

function parse(policyText: string): unknown {
  try {
    return JSON.parse(policyText)
  } catch {
    return undefined
  }
}

/** The `Principal` and `NotPrincipal` objects of a document's statements. */
function principalHolders(doc: unknown): Record<string, unknown>[] {
  const statement = (doc as { Statement?: unknown } | null | undefined)?.Statement
  const statements = Array.isArray(statement) ? statement : [statement]
  const holders: Record<string, unknown>[] = []
  for (const s of statements) {
    if (typeof s !== 'object' || s === null) continue
    for (const key of ['Principal', 'NotPrincipal']) {
      const holder = (s as Record<string, unknown>)[key]
      if (typeof holder === 'object' && holder !== null && !Array.isArray(holder)) {
        holders.push(holder as Record<string, unknown>)
      }
    }
  }
  return holders
}

function awsPrincipals(doc: unknown): string[] {
  return principalHolders(doc).flatMap((holder) => {
    const aws = holder.AWS
    const list = Array.isArray(aws) ? aws : [aws]
    return list.filter((p): p is string => typeof p === 'string')
  })
}
