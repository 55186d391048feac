import type { FakeClock } from './clock.js'

/** An IAM role or user ARN: the principals that exist only once IAM has created them. */
const IAM_IDENTITY_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:(?:role|user)\/[\w+=,.@/-]+$/

/**
 * The IAM roles and users that exist in the fake's world, each from the moment IAM's eventual
 * consistency lets other services see it. Account roots (`arn:…:iam::<account>:root`, or the
 * bare account id), service principals and `*` always exist; every other role or user ARN is
 * unknown until seeded, as a deleted or never-created role is to ECR.
 */
export class PrincipalDirectory {
  /** Visible-from time (fake ms) by ARN. */
  readonly #visibleFrom = new Map<string, number>()

  constructor(private readonly clock: FakeClock) {}

  /**
   * Make a role or user exist, seen by other services `appearsAfterSeconds` from now.
   * @throws TypeError for an ARN that is not an IAM role or user, or a bad delay.
   */
  add(arn: string, appearsAfterSeconds = 0): void {
    if (!IAM_IDENTITY_ARN.test(arn)) {
      throw new TypeError(`[aws-fake] ${JSON.stringify(arn)} is not an IAM role or user ARN`)
    }
    if (!(Number.isFinite(appearsAfterSeconds) && appearsAfterSeconds >= 0)) {
      throw new TypeError('[aws-fake] appearsAfterSeconds must be a non-negative number')
    }
    this.#visibleFrom.set(arn, this.clock.now() + appearsAfterSeconds * 1000)
  }

  /** Make a role or user stop existing (IAM deleted it). */
  remove(arn: string): void {
    this.#visibleFrom.delete(arn)
  }

  /** The first IAM role or user among `principals` that is not visible now, if any. */
  firstMissing(principals: readonly string[]): string | undefined {
    const now = this.clock.now()
    return principals.find((p) => {
      if (!IAM_IDENTITY_ARN.test(p)) return false
      const from = this.#visibleFrom.get(p)
      return from === undefined || from > now
    })
  }
}

/** Every `AWS` principal of a policy document's statements (strings, lists, or `"*"`). */
export function awsPrincipalsOf(policyText: string): string[] {
  const doc = JSON.parse(policyText) as { Statement?: unknown }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]
  const found: string[] = []
  for (const statement of statements) {
    const principal = (statement as { Principal?: unknown } | null)?.Principal
    if (typeof principal !== 'object' || principal === null) continue
    const aws = (principal as { AWS?: unknown }).AWS
    const list = Array.isArray(aws) ? aws : [aws]
    for (const p of list) if (typeof p === 'string') found.push(p)
  }
  return found
}
