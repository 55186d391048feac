import { grammarProblem } from './iam-documents.js'

/** What ECR says of a repository policy it will not take for what the document says. */
export const INVALID_REPOSITORY_POLICY = 'Invalid repository policy provided'

/** The principal kinds a resource policy may name. */
const PRINCIPAL_KINDS = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser'])

/**
 * An `AWS` principal a resource policy may name: `*`, a 12-digit account id, an account root, an
 * IAM role or user ARN, an STS assumed-role or federated-user ARN, or the unique id IAM stores in
 * place of a role or user that was deleted (`AROA…`, `AIDA…`), which a policy read back holds.
 */
const AWS_PRINCIPAL = new RegExp(
  [
    String.raw`\*`,
    String.raw`\d{12}`,
    String.raw`arn:aws(?:-cn|-us-gov)?:iam::\d{12}:(?:root|(?:role|user)\/[\w+=,.@/-]+)`,
    String.raw`arn:aws(?:-cn|-us-gov)?:sts::\d{12}:(?:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+|federated-user\/[\w+=,.@-]+)`,
    'A[A-Z0-9]{15,127}',
  ]
    .map((form) => `^${form}$`)
    .join('|'),
)

/**
 * Why ECR refuses a repository policy document, or `undefined`. ECR reads it as a resource policy
 * of the repository itself: IAM's grammar (a JSON object, a known `Version`, one or more
 * statements, each with `Effect` `Allow` or `Deny` and one of `Action` or `NotAction`), and
 * each statement names who it applies to (one of `Principal` or `NotPrincipal`) and never a
 * `Resource` or `NotResource`, which ECR refuses since the repository is the resource. A
 * principal is `"*"` or an object of `AWS`, `Service`, `Federated` or `CanonicalUser` entries,
 * each a name or a list of names, and an `AWS` name must be one IAM can resolve (see
 * {@link AWS_PRINCIPAL}): anything else, such as an ARN with a wildcard account part, is refused.
 * ECR gives one message for all of it.
 */
export function repositoryPolicyProblem(policyText: string): string | undefined {
  // A trust policy has the same shape: a principal in every statement, no resource.
  if (grammarProblem(policyText, 'trust') !== undefined) return INVALID_REPOSITORY_POLICY
  const doc = JSON.parse(policyText) as { Statement: unknown }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]
  for (const statement of statements as Record<string, unknown>[]) {
    // One of each pair: read with both, a statement would apply as neither element says.
    if (statement.Action !== undefined && statement.NotAction !== undefined) {
      return INVALID_REPOSITORY_POLICY
    }
    if (statement.Principal !== undefined && statement.NotPrincipal !== undefined) {
      return INVALID_REPOSITORY_POLICY
    }
    if (!validActions(statement.Action ?? statement.NotAction)) return INVALID_REPOSITORY_POLICY
    const principal = statement.Principal ?? statement.NotPrincipal
    if (!validPrincipal(principal)) return INVALID_REPOSITORY_POLICY
  }
  return undefined
}

// --- Internal ---

function validActions(actions: unknown): boolean {
  const list = Array.isArray(actions) ? actions : [actions]
  return list.length > 0 && list.every((a) => typeof a === 'string' && a !== '')
}

function validPrincipal(principal: unknown): boolean {
  if (principal === '*') return true
  if (typeof principal !== 'object' || principal === null || Array.isArray(principal)) return false
  const entries = Object.entries(principal)
  if (entries.length === 0) return false
  return entries.every(([kind, names]) => {
    if (!PRINCIPAL_KINDS.has(kind)) return false
    const list = Array.isArray(names) ? names : [names]
    if (list.length === 0) return false
    return list.every(
      (name) =>
        typeof name === 'string' && name !== '' && (kind !== 'AWS' || AWS_PRINCIPAL.test(name)),
    )
  })
}
