import type { FakeResponse } from '../fake-server.js'
import { iamError } from './iam-wire.js'
import { awsPrincipalsOf, type PrincipalDirectory } from './principals.js'

/**
 * IAM's quota on a role's trust policy (IAM counts the characters that are not white space).
 * 2048 unless an account raised it.
 */
export const TRUST_POLICY_QUOTA = 2048
/** IAM's quota on the inline policies of one role, all together, white space not counted. */
export const ROLE_INLINE_POLICIES_QUOTA = 10_240

/** Whether a document is a role's trust policy (a resource policy) or an identity policy. */
export type PolicyDocumentKind = 'trust' | 'identity'

/**
 * Why IAM refuses a policy document, as `MalformedPolicyDocument`, or `undefined`. The grammar
 * IAM documents: a JSON object, a known `Version`, one or more statements each with `Effect`
 * (`Allow`/`Deny`) and `Action` (or `NotAction`); a trust policy's statements name a `Principal`
 * and no `Resource`, an identity policy's name a `Resource` and no `Principal`. A trust policy
 * may only name roles and users that exist.
 */
export function documentProblem(
  text: string,
  kind: PolicyDocumentKind,
  principals: PrincipalDirectory,
): FakeResponse | undefined {
  const problem = grammarProblem(text, kind)
  if (problem !== undefined) return malformed(problem)
  if (kind === 'trust') {
    const missing = principals.firstMissing(awsPrincipalsOf(text))
    if (missing !== undefined) return malformed(`Invalid principal in policy: "AWS":"${missing}"`)
  }
  return undefined
}

/**
 * Why a document breaks the policy grammar IAM documents (see {@link documentProblem}), in IAM's
 * words, or `undefined`. STS applies the same grammar to an identity-style session policy.
 */
export function grammarProblem(text: string, kind: PolicyDocumentKind): string | undefined {
  const doc = parse(text)
  if (doc === undefined) return 'This policy contains invalid Json'
  if (doc.Version !== undefined && !['2012-10-17', '2008-10-17'].includes(String(doc.Version))) {
    return 'The policy must contain a valid version string'
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]
  if (doc.Statement === undefined || statements.length === 0) {
    return 'Missing required field Statement'
  }
  for (const statement of statements) {
    const problem = statementProblem(statement, kind)
    if (problem !== undefined) return problem
  }
  return undefined
}

/** The characters of a document that count towards IAM's size quotas (all but white space). */
export function quotaLength(text: string): number {
  return text.replace(/\s/g, '').length
}

// --- Internal ---

type Doc = Record<string, unknown>

function parse(text: string): Doc | undefined {
  try {
    const doc: unknown = JSON.parse(text)
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as Doc) : undefined
  } catch {
    return undefined
  }
}

function statementProblem(statement: unknown, kind: PolicyDocumentKind): string | undefined {
  if (typeof statement !== 'object' || statement === null) return 'Syntax errors in policy.'
  const s = statement as Doc
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') return 'Missing required field Effect'
  if (s.Action === undefined && s.NotAction === undefined) return 'Missing required field Action'
  const namesPrincipal = s.Principal !== undefined || s.NotPrincipal !== undefined
  const namesResource = s.Resource !== undefined || s.NotResource !== undefined
  if (kind === 'trust') {
    if (!namesPrincipal) return 'Missing required field Principal'
    if (namesResource) return 'Has prohibited field Resource'
    return undefined
  }
  if (namesPrincipal) return 'Policy document should not specify a principal.'
  if (!namesResource) return 'Policy statement must contain resources.'
  return undefined
}

function malformed(message: string): FakeResponse {
  return iamError('MalformedPolicyDocument', message, 400)
}
