import { lambdaSourceArn, type Partition, ROLE_ARN_PATTERN, rootArn } from './arn.js'
import { emptyGrants, type GrantSet, lambdaKey, splitKey } from './grants.js'
import { platformError } from './map-error.js'

/** Every statement this provider writes has a Sid starting with this; all others are foreign. */
export const OWN_SID_PREFIX = 'ArtifactRegistry'
/** Sid of the statement granting accounts and roles pull access. */
export const PULL_SID: string = `${OWN_SID_PREFIX}CrossAccountPull`
/** Sid of the statement granting Lambda functions of those accounts pull access. */
export const LAMBDA_SID: string = `${OWN_SID_PREFIX}LambdaPull`
/** Pull only: foreign principals never get policy, push or delete actions. */
export const CROSS_ACCOUNT_PULL_ACTIONS: readonly string[] = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
]
/** What the Lambda service needs to pull a function's image. */
export const LAMBDA_PULL_ACTIONS: readonly string[] = [
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
]
const LAMBDA_SERVICE = 'lambda.amazonaws.com'

/** A repository policy split into what we manage and what we keep untouched. */
export interface RepositoryPolicy {
  /** Top-level fields other than `Statement` (`Version`, `Id`), kept as they were. */
  readonly header: Readonly<Record<string, unknown>>
  /** Statements we did not write, in their original order and form. */
  readonly foreign: readonly unknown[]
  /** The grants our own statements hold. */
  readonly grants: GrantSet
}

/**
 * Split a policy document (`null` = the repository has no policy). The `AROA…` ids IAM puts in
 * our statements in place of deleted roles are dropped: they can never match again.
 *
 * @throws ArtifactRegistryError `INTERNAL` when the text is not a policy document; nothing must
 *   be written over a policy we cannot read.
 */
export function parseRepositoryPolicy(policyText: string | null): RepositoryPolicy {
  if (policyText === null) return { header: {}, foreign: [], grants: emptyGrants() }
  const doc = parseDocument(policyText)
  const { Statement, ...header } = doc
  const statements =
    Statement === undefined ? [] : Array.isArray(Statement) ? Statement : [Statement]
  const accounts = new Set<string>()
  const roles = new Set<string>()
  const lambda = new Set<string>()
  const foreign: unknown[] = []
  for (const statement of statements) {
    if (!isOwn(statement)) {
      foreign.push(statement)
      continue
    }
    for (const principal of awsPrincipalsOf(statement)) {
      const grantee = ourPrincipal(principal)
      if (grantee?.kind === 'account') accounts.add(grantee.id)
      else if (grantee?.kind === 'role') roles.add(grantee.id)
    }
    for (const arn of sourceArns(statement)) {
      const source = ourLambdaSource(arn)
      if (source !== undefined) lambda.add(lambdaKey(source.account, source.region))
    }
  }
  return { header, foreign, grants: { accounts, roles, lambda } }
}

/**
 * The policy text with our statements replaced by `grants`, foreign statements kept in place.
 * `null` when no statement is left (the policy should be deleted: ECR refuses an empty one).
 */
export function renderRepositoryPolicy(
  policy: RepositoryPolicy,
  grants: GrantSet,
  partition: Partition,
): string | null {
  const statements = [...policy.foreign, ...ownStatements(grants, partition)]
  if (statements.length === 0) return null
  return JSON.stringify({ Version: '2012-10-17', ...policy.header, Statement: statements })
}

/** Every `AWS` principal of a policy document, ours and foreign, in order, once each. */
export function awsPrincipals(policyText: string): string[] {
  const { Statement } = parseDocument(policyText)
  const statements = Array.isArray(Statement) ? Statement : [Statement]
  const found = statements.flatMap((s) =>
    typeof s === 'object' && s !== null ? awsPrincipalsOf(s as Record<string, unknown>) : [],
  )
  return [...new Set(found)]
}

// --- Internal ---

function ownStatements(grants: GrantSet, partition: Partition): Record<string, unknown>[] {
  const statements: Record<string, unknown>[] = []
  const principals = [
    ...[...grants.accounts].sort().map((account) => rootArn(partition, account)),
    ...[...grants.roles].sort(),
  ]
  if (principals.length > 0) {
    statements.push({
      Sid: PULL_SID,
      Effect: 'Allow',
      Principal: { AWS: principals },
      Action: [...CROSS_ACCOUNT_PULL_ACTIONS],
    })
  }
  if (grants.lambda.size > 0) {
    const sourceArn = [...grants.lambda].sort().map((key) => {
      const [account, region] = splitKey(key)
      return lambdaSourceArn(partition, region, account)
    })
    statements.push({
      Sid: LAMBDA_SID,
      Effect: 'Allow',
      Principal: { Service: LAMBDA_SERVICE },
      Action: [...LAMBDA_PULL_ACTIONS],
      Condition: { StringLike: { 'aws:sourceArn': sourceArn } },
    })
  }
  return statements
}

function parseDocument(policyText: string): Record<string, unknown> {
  let doc: unknown
  try {
    doc = JSON.parse(policyText)
  } catch (cause) {
    throw platformError(
      'INTERNAL',
      'The repository policy is not valid JSON; it was left unchanged',
      {
        cause,
      },
    )
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw platformError(
      'INTERNAL',
      'The repository policy is not a policy document; it was left unchanged',
    )
  }
  return doc as Record<string, unknown>
}

/**
 * Whether a statement is ours: its Sid has our prefix, and it has the shape we write (an `Allow`
 * of account roots and role ARNs without a condition, or of the Lambda service conditioned on
 * `aws:sourceArn` only, each value one account's functions). One with our prefix in another shape
 * (a `Deny`, `NotPrincipal`, a condition added by hand, a principal of `*` or a user) was edited
 * by someone: read as grants and written back as our `Allow`, it would be widened or turned
 * around, and a principal we cannot read as a grant would be hidden from `get` and outlive every
 * `remove`; so nothing is changed and the call fails `CONFLICT`.
 */
function isOwn(statement: unknown): statement is Record<string, unknown> {
  const sid = (statement as { Sid?: unknown } | null)?.Sid
  if (typeof sid !== 'string' || !sid.startsWith(OWN_SID_PREFIX)) return false
  if (hasOurShape(statement as Record<string, unknown>)) return true
  throw platformError(
    'CONFLICT',
    `The repository policy's statement "${sid}" has a Sid of this library's but not the form it writes (an Allow of pull actions to account roots and roles, or to one account's Lambda functions, with no other condition); it was left unchanged. Rename or remove that statement.`,
  )
}

const OUR_KEYS = new Set(['Sid', 'Effect', 'Principal', 'Action', 'Condition'])

function hasOurShape(statement: Record<string, unknown>): boolean {
  if (statement.Effect !== 'Allow' || Object.keys(statement).some((k) => !OUR_KEYS.has(k)))
    return false
  const principal = statement.Principal
  if (typeof principal !== 'object' || principal === null) return false
  const kinds = Object.keys(principal)
  if (kinds.length !== 1) return false
  if (kinds[0] === 'AWS') {
    return (
      statement.Condition === undefined &&
      onlyActions(statement, CROSS_ACCOUNT_PULL_ACTIONS) &&
      onlyOf((principal as { AWS?: unknown }).AWS, (p) => ourPrincipal(p) !== undefined)
    )
  }
  if (kinds[0] !== 'Service' || (principal as { Service?: unknown }).Service !== LAMBDA_SERVICE)
    return false
  return onlyActions(statement, LAMBDA_PULL_ACTIONS) && isSourceCondition(statement.Condition)
}

// Actions we grant, or fewer: a wider one (`ecr:*`) was added by hand.
function onlyActions(statement: Record<string, unknown>, ours: readonly string[]): boolean {
  const actions = strings(statement.Action)
  return actions.length > 0 && actions.every((a) => ours.includes(a))
}

/**
 * Exactly what we write: one block, under an operator that says "the source is one of these"
 * and takes our values' wildcard (`StringLike`, `ArnLike`, `ArnEquals`), holding `aws:sourceArn`
 * alone with at least one value. `StringEquals`, a negated (`StringNotLike`), set
 * (`ForAnyValue:…`) or `…IfExists` operator, a second block (both must match, where we read
 * either), or an empty one (no condition at all: any function) would be read as other grants
 * than it makes.
 */
function isSourceCondition(condition: unknown): boolean {
  if (typeof condition !== 'object' || condition === null) return false
  const blocks = Object.entries(condition)
  if (blocks.length !== 1) return false
  const [operator, block] = blocks[0] as [string, unknown]
  if (!MATCHING_OPERATORS.has(operator.toLowerCase())) return false
  if (typeof block !== 'object' || block === null) return false
  const keys = Object.entries(block)
  if (keys.length !== 1) return false
  const [key, values] = keys[0] as [string, unknown]
  return (
    key.toLowerCase() === 'aws:sourcearn' &&
    onlyOf(values, (arn) => ourLambdaSource(arn) !== undefined)
  )
}

/** A string or a non-empty list of strings, each accepted by `ours`. */
function onlyOf(value: unknown, ours: (text: string) => boolean): boolean {
  const list = Array.isArray(value) ? value : [value]
  return list.length > 0 && list.every((item) => typeof item === 'string' && ours(item))
}

// Operators under which our `function:*` values match functions. Not StringEquals: it has no
// wildcards, so such a statement lets no function pull, and writing it back under StringLike
// would open it to every function of the account.
const MATCHING_OPERATORS = new Set(['stringlike', 'arnlike', 'arnequals'])

function awsPrincipalsOf(statement: Record<string, unknown>): string[] {
  const principal = statement.Principal
  if (typeof principal !== 'object' || principal === null) return []
  return strings((principal as { AWS?: unknown }).AWS)
}

/**
 * What an `AWS` principal of our statement grants: an account (its root ARN, or the bare id ECR
 * may show for it), a role, or nothing any more (`stale`, the id IAM shows once the role is
 * deleted). Anything else (`*`, a user, an assumed-role session) is not something we write.
 */
function ourPrincipal(
  principal: string,
): { kind: 'account' | 'role'; id: string } | { kind: 'stale' } | undefined {
  const root = /^(?:arn:[\w-]+:iam::(\d{12}):root|(\d{12}))$/.exec(principal)
  const account = root?.[1] ?? root?.[2]
  if (account !== undefined) return { kind: 'account', id: account }
  if (ROLE_ARN_PATTERN.test(principal)) return { kind: 'role', id: principal }
  return DELETED_ROLE_ID.test(principal) ? { kind: 'stale' } : undefined
}

// IAM's unique ids of roles start with AROA; a policy shows one where a role was deleted.
const DELETED_ROLE_ID = /^AROA[0-9A-Z]+$/

/** The functions one `aws:sourceArn` value of ours covers: `arn:…:lambda:REGION|*:ACCOUNT:function:*`. */
function ourLambdaSource(arn: string): { region: string; account: string } | undefined {
  const match = /^arn:[\w-]+:lambda:([a-z0-9-]+|\*):(\d{12}):function:\*$/.exec(arn)
  if (match?.[1] === undefined || match[2] === undefined) return undefined
  return { region: match[1], account: match[2] }
}

/** `aws:sourceArn` values under any condition operator (condition keys are case-insensitive). */
function sourceArns(statement: Record<string, unknown>): string[] {
  const condition = statement.Condition
  if (typeof condition !== 'object' || condition === null) return []
  const values: string[] = []
  for (const block of Object.values(condition)) {
    if (typeof block !== 'object' || block === null) continue
    for (const [key, value] of Object.entries(block)) {
      if (key.toLowerCase() === 'aws:sourcearn') values.push(...strings(value))
    }
  }
  return values
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}
