import { randomBytes } from 'node:crypto'
import type { FakeClock } from './clock.js'

/** An IAM role or user ARN: the principals that exist only once IAM has created them. */
const IAM_IDENTITY_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:(?:role|user)\/[\w+=,.@/-]+$/

/**
 * The IAM roles and users that exist in the fake's world, each from the moment IAM's eventual
 * consistency lets other services see it, with the unique id IAM gave it (`AROA…` for a role,
 * `AIDA…` for a user). Account roots (`arn:…:iam::<account>:root`, or the bare account id),
 * service principals and `*` always exist; every other role or user ARN is unknown until seeded,
 * as a deleted or never-created role is to ECR. A role deleted and created again under its name
 * gets a new unique id: it is another principal to the policies that named the first one.
 */
export class PrincipalDirectory {
  /** Visible-from time (fake ms) and unique id, by ARN. */
  readonly #byArn = new Map<string, { readonly visibleFrom: number; readonly id: string }>()

  constructor(private readonly clock: FakeClock) {}

  /**
   * Make a role or user exist, seen by other services `appearsAfterSeconds` from now. `uniqueId`
   * is the id IAM gave it; by default one is made up, and one that exists keeps its own.
   * @throws TypeError for an ARN that is not an IAM role or user, or a bad delay.
   */
  add(arn: string, appearsAfterSeconds = 0, uniqueId?: string): void {
    if (!IAM_IDENTITY_ARN.test(arn)) {
      throw new TypeError(`[aws-fake] ${JSON.stringify(arn)} is not an IAM role or user ARN`)
    }
    if (!(Number.isFinite(appearsAfterSeconds) && appearsAfterSeconds >= 0)) {
      throw new TypeError('[aws-fake] appearsAfterSeconds must be a non-negative number')
    }
    const id = uniqueId ?? this.#byArn.get(arn)?.id ?? newUniqueId(arn)
    this.#byArn.set(arn, { visibleFrom: this.clock.now() + appearsAfterSeconds * 1000, id })
  }

  /** Make a role or user stop existing (IAM deleted it). */
  remove(arn: string): void {
    this.#byArn.delete(arn)
  }

  /** The unique id of the role or user that has this ARN now, or `undefined` when none does. */
  idOf(arn: string): string | undefined {
    return this.#byArn.get(arn)?.id
  }

  /** The first IAM role or user among `principals` that is not visible now, if any. */
  firstMissing(principals: readonly string[]): string | undefined {
    const now = this.clock.now()
    return principals.find((p) => {
      if (!IAM_IDENTITY_ARN.test(p)) return false
      const from = this.#byArn.get(p)?.visibleFrom
      return from === undefined || from > now
    })
  }
}

/** Whether a principal is an IAM role or user ARN: one that stands for a unique id. */
export function isIamIdentityArn(principal: string): boolean {
  return IAM_IDENTITY_ARN.test(principal)
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

// --- Internal ---

function newUniqueId(arn: string): string {
  const kind = arn.includes(':role/') ? 'AROA' : 'AIDA'
  return `${kind}${randomBytes(8).toString('hex').toUpperCase()}`
}
