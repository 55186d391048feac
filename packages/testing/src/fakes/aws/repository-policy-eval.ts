import { conditionHolds } from './policy-conditions.js'
import { elementCovers, type Statement, statementsOf } from './session-policy-eval.js'

/** Who a request comes from, as a resource policy's `Principal` may name it. */
export type PolicyCaller = IamCaller | ServiceCaller

/** An IAM user or role session. */
export interface IamCaller {
  /** The caller's account. */
  readonly accountId: string
  /** The caller's ARNs: an assumed-role session's own and its role's, or an IAM user's. */
  readonly arns: readonly string[]
}

/** An AWS service acting on behalf of a resource, such as Lambda pulling a function's image. */
export interface ServiceCaller {
  /** The service principal, e.g. `lambda.amazonaws.com`. */
  readonly service: string
  /** The service condition keys the request carries, in lower case (`aws:sourcearn`). */
  readonly context: Readonly<Record<string, string>>
}

/** What a repository policy says of one action by one caller. */
export type RepositoryPolicyDecision = 'allow' | 'deny' | 'none'

/**
 * What a repository policy (as ECR shows it now: a role deleted since reads as its old unique id,
 * which names nobody) says of `action` by `caller`: `deny` when a `Deny` statement applies,
 * otherwise `allow` when an `Allow` statement does, otherwise `none`. A statement applies when its
 * `Principal` names the caller (`"*"`, its account id or account root, or one of its ARNs) and
 * its `Action`/`NotAction` covers the action. A `NotPrincipal` is read as IAM reads it against
 * each principal a request carries (the account, the role, the session, or the account and the
 * user): a `Deny` with one applies unless it names every one of them, so naming a role or the
 * account alone spares none of its sessions; an `Allow` with one applies only to a caller it
 * names in no way, the stricter side where IAM's answer is not documented. Service, federated and
 * canonical-user principals never name an IAM caller; a `Service` principal names a service
 * caller, which no `AWS` principal does but `{"AWS": "*"}` in a `Deny` (IAM documents it as the
 * same as `"*"`). A `Condition` on the service keys (`aws:SourceArn`,
 * `aws:SourceAccount`) with a string or ARN operator is evaluated (an IAM caller's request has
 * neither key, so it fails); any other is left undecided, always to the stricter side: an
 * `Allow` with it never applies, a `Deny` with it always does (see `conditionHolds`).
 */
export function repositoryPolicyDecision(
  policyText: string | undefined,
  caller: PolicyCaller,
  action: string,
): RepositoryPolicyDecision {
  if (policyText === undefined) return 'none'
  const context = 'service' in caller ? caller.context : {}
  const applying = statementsOf(policyText).filter(
    (s) => namesCaller(s, caller) && elementCovers(s.Action, s.NotAction, action, true),
  )
  const denied = applying.some(
    (s) => s.Effect === 'Deny' && conditionHolds(s.Condition, context) !== false,
  )
  if (denied) return 'deny'
  const allowed = applying.some(
    (s) => s.Effect === 'Allow' && conditionHolds(s.Condition, context) === true,
  )
  return allowed ? 'allow' : 'none'
}

// --- Internal ---

function namesCaller(
  statement: Statement & { NotPrincipal?: unknown },
  caller: PolicyCaller,
): boolean {
  if (statement.Principal !== undefined) {
    // IAM takes `{"AWS": "*"}` as `"*"`, which names services too; an Allow keeps to the stricter side.
    const everyone = 'service' in caller && namesOf(statement.Principal, 'AWS').includes('*')
    return principalNames(statement.Principal, caller) || (everyone && statement.Effect === 'Deny')
  }
  if (statement.NotPrincipal === undefined) return false
  return statement.Effect === 'Deny'
    ? !principalNamesAll(statement.NotPrincipal, caller)
    : !principalNames(statement.NotPrincipal, caller)
}

function principalNames(principal: unknown, caller: PolicyCaller): boolean {
  if (principal === '*') return true
  if ('service' in caller) return namesOf(principal, 'Service').includes(caller.service)
  return namesOf(principal, 'AWS').some((name) => awsNameMatches(name, caller))
}

/** Whether `principal` names each principal of the caller's request: its account, and each ARN. */
function principalNamesAll(principal: unknown, caller: PolicyCaller): boolean {
  if (principal === '*') return true
  if ('service' in caller) return namesOf(principal, 'Service').includes(caller.service)
  const names = namesOf(principal, 'AWS')
  if (names.includes('*')) return true
  const account = { accountId: caller.accountId, arns: [] }
  return (
    names.some((name) => awsNameMatches(name, account)) &&
    caller.arns.every((arn) => names.includes(arn))
  )
}

/** The names of one kind of a `Principal` or `NotPrincipal` object (one or a list). */
function namesOf(principal: unknown, kind: 'AWS' | 'Service'): string[] {
  if (typeof principal !== 'object' || principal === null) return []
  const value = (principal as Record<string, unknown>)[kind]
  const names = Array.isArray(value) ? value : [value]
  return names.filter((name): name is string => typeof name === 'string')
}

function awsNameMatches(name: string, caller: IamCaller): boolean {
  if (name === '*' || name === caller.accountId) return true
  if (/^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:root$/.test(name)) {
    return name.split(':')[4] === caller.accountId
  }
  return caller.arns.includes(name)
}
