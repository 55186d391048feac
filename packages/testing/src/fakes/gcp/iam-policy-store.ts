import { createHash } from 'node:crypto'
import type { FakeResponse } from '../fake-server.js'
import { sameMember } from './member-identity.js'
import { googleError, ok } from './responses.js'

/** A condition of an IAM binding (`google.type.Expr`). */
export interface FakeIamCondition {
  title?: string
  description?: string
  expression: string
  location?: string
}

/** One IAM binding: a role, its members and an optional condition. */
export interface FakeIamBinding {
  role: string
  members: string[]
  condition?: FakeIamCondition
}

/** An IAM policy as the fake stores it (canonical proto3 JSON: no empty fields). */
export interface FakeIamPolicy {
  version: number
  bindings: FakeIamBinding[]
  /** Base64 of the policy's etag bytes. */
  etag: string
}

/** @internal What IAM says to a write whose etag is stale. */
export const CONCURRENT_POLICY_CHANGE =
  'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.'

// Our wording of IAM's refusal of a write below version 3, with an etag, over a policy that holds
// conditional bindings: every change of such a policy must say version 3.
const LOWER_VERSION_OVER_CONDITIONS =
  'The policy holds conditional role bindings: a write to it must specify policy version 3.'

// Google answers an empty, never-written policy with this etag (bytes 00 20 01).
const EMPTY_ETAG = 'ACAB'
const CONDITION_FIELDS = ['title', 'description', 'expression', 'location'] as const
// IAM's limit on the principals of one allow policy, each appearance in a binding counted: a
// grant past it is refused, however many of the members are the same principal.
const MAX_PRINCIPALS = 1500
// The only values `options.requestedPolicyVersion` may take (GetPolicyOptions).
const REQUESTABLE_VERSIONS: ReadonlySet<number> = new Set([0, 1, 3])
// Predefined (`roles/…`) or custom (`projects/{p}/roles/{id}`, `organizations/{o}/roles/{id}`).
const ROLE_NAME = /^(roles\/.+|(projects|organizations)\/[^/]+\/roles\/.+)$/

/**
 * @internal IAM policies per resource with Google's read-modify-write rules: etags change on
 * every write, a stale etag is refused with 409 `ABORTED`, conditions need version 3 (to be
 * written, and in any write with an etag to a policy that holds them), a read below version 3
 * hides conditions behind `_withcond_` role names, and a policy holds at most 1,500 principals
 * (400 `INVALID_ARGUMENT` past that).
 */
export class IamPolicyStore {
  readonly #policies = new Map<string, FakeIamPolicy>()
  #writes = 0

  /**
   * @param refuse IAM's answer to a write whose members or roles it would not take, or
   *   `undefined` to let it through.
   */
  constructor(
    private readonly refuse: (
      resource: string,
      current: FakeIamPolicy,
      bindings: readonly FakeIamBinding[],
    ) => FakeResponse | undefined = () => undefined,
  ) {}

  /** The stored policy of a resource (a copy), or the empty policy. */
  get(resource: string): FakeIamPolicy {
    return structuredClone(
      this.#policies.get(resource) ?? { version: 1, bindings: [], etag: EMPTY_ETAG },
    )
  }

  /** Replace a resource's policy out of band (a concurrent writer); returns the stored copy. */
  put(resource: string, policy: Omit<FakeIamPolicy, 'etag'>): FakeIamPolicy {
    this.#writes += 1
    const etag = Buffer.from(`\u0007${String(this.#writes).padStart(7, '0')}`).toString('base64')
    const stored = { ...canonicalPolicy(policy), etag }
    this.#policies.set(resource, stored)
    return structuredClone(stored)
  }

  /**
   * Replace `from`, however the case of its email is written, with `to` in every binding of
   * every policy, as IAM does when an account is deleted (`to` is then its `deleted:` member).
   */
  replaceMember(from: string, to: string): void {
    for (const [resource, policy] of this.#policies) {
      if (!policy.bindings.some((b) => b.members.some((m) => sameMember(m, from)))) continue
      const bindings = policy.bindings.map((b) => ({
        ...b,
        members: b.members.map((m) => (sameMember(m, from) ? to : m)),
      }))
      this.put(resource, { version: policy.version, bindings })
    }
  }

  /** Forget a resource's policy (its resource was deleted). */
  delete(resource: string): void {
    this.#policies.delete(resource)
  }

  /**
   * `getIamPolicy`, honouring `options.requestedPolicyVersion` (the query value as sent; absent
   * is 0). IAM takes 0, 1 and 3 only: any other value is 400 `INVALID_ARGUMENT`, never read as
   * the nearest version. Version 3 answers version 3 only for a policy with conditional
   * bindings, version 1 otherwise, as IAM may answer a lower version than the one asked for.
   */
  read(resource: string, requestedVersion: string | null): FakeResponse {
    const version = requestedVersion === null ? 0 : Number(requestedVersion)
    if (!REQUESTABLE_VERSIONS.has(version) || requestedVersion === '') {
      return googleError(
        'INVALID_ARGUMENT',
        `Invalid requested policy version ${JSON.stringify(requestedVersion)}: use 0, 1 or 3.`,
      )
    }
    const policy = this.get(resource)
    // An answer may use a lower version than asked: without conditions it is version 1.
    if (version === 3) return ok(render(hasConditions(policy) ? policy : { ...policy, version: 1 }))
    // Below version 3 Google hides conditions: roles get a `_withcond_` suffix, version 1.
    const bindings = policy.bindings.map((b) =>
      b.condition === undefined
        ? b
        : { role: `${b.role}_withcond_${hash(b.condition)}`, members: b.members },
    )
    return ok(render({ ...policy, version: 1, bindings }))
  }

  /** `setIamPolicy` with Google's etag and version checks. */
  write(resource: string, body: unknown): FakeResponse {
    const policy = (body as { policy?: unknown } | null)?.policy
    const invalid = validatePolicy(policy)
    if (invalid !== undefined) return googleError('INVALID_ARGUMENT', invalid)
    const given = policy as { etag?: string; version?: number; bindings?: FakeIamBinding[] }
    const guarded = given.etag !== undefined && given.etag !== ''
    if (guarded && given.etag !== this.get(resource).etag) {
      return googleError('ABORTED', CONCURRENT_POLICY_CHANGE)
    }
    // Only a write without an etag may replace conditional bindings blindly with a lower version.
    if (guarded && (given.version ?? 0) < 3 && hasConditions(this.get(resource))) {
      return googleError('INVALID_ARGUMENT', LOWER_VERSION_OVER_CONDITIONS)
    }
    const refused = this.refuse(resource, this.get(resource), given.bindings ?? [])
    if (refused !== undefined) return refused
    const stored = this.put(resource, {
      version: given.version ?? 1,
      bindings: given.bindings ?? [],
    })
    return ok(render(stored))
  }
}

// --- Internal ---

function validatePolicy(policy: unknown): string | undefined {
  if (typeof policy !== 'object' || policy === null) return 'policy is required'
  const p = policy as { version?: unknown; bindings?: unknown }
  const version = p.version ?? 0
  if (version !== 0 && version !== 1 && version !== 3) return `invalid policy version ${version}`
  if (p.bindings !== undefined && p.bindings !== null && !Array.isArray(p.bindings)) {
    return 'bindings must be a list'
  }
  for (const binding of (p.bindings ?? []) as unknown[]) {
    const b = binding as Partial<FakeIamBinding> | null
    if (typeof b?.role !== 'string' || !ROLE_NAME.test(b.role)) return 'invalid role'
    if (!Array.isArray(b.members) || b.members.some((m) => typeof m !== 'string' || m === '')) {
      return `invalid members of ${b.role}`
    }
    const hasCondition =
      typeof b.condition?.expression === 'string' && b.condition.expression !== ''
    if (hasCondition && version !== 3) {
      return 'a policy with conditional bindings must be written with version 3'
    }
  }
  const principals = ((p.bindings ?? []) as FakeIamBinding[]).reduce(
    (sum, b) => sum + b.members.length,
    0,
  )
  if (principals > MAX_PRINCIPALS) {
    const count = (n: number): string => n.toLocaleString('en-US')
    return `The policy names ${count(principals)} principals, more than the ${count(MAX_PRINCIPALS)} an allow policy may hold.`
  }
  return undefined
}

function hasConditions(policy: FakeIamPolicy): boolean {
  return policy.bindings.some((b) => b.condition !== undefined)
}

function canonicalPolicy(policy: Omit<FakeIamPolicy, 'etag'>): Omit<FakeIamPolicy, 'etag'> {
  const bindings = policy.bindings
    .map(canonicalBinding)
    // IAM drops bindings that no longer have members.
    .filter((b) => b.members.length > 0)
  return { version: policy.version === 0 ? 1 : policy.version, bindings }
}

function canonicalBinding(binding: FakeIamBinding): FakeIamBinding {
  const out: FakeIamBinding = { role: binding.role, members: [...binding.members] }
  const condition: Partial<FakeIamCondition> = {}
  for (const field of CONDITION_FIELDS) {
    // proto3: an empty string is the default, the same as absent.
    const value = binding.condition?.[field]
    if (typeof value === 'string' && value !== '') condition[field] = value
  }
  if (condition.expression !== undefined) out.condition = condition as FakeIamCondition
  return out
}

function render(policy: FakeIamPolicy): Record<string, unknown> {
  return policy.bindings.length === 0
    ? { version: policy.version, etag: policy.etag }
    : { version: policy.version, bindings: policy.bindings, etag: policy.etag }
}

function hash(condition: FakeIamCondition): string {
  return createHash('sha256').update(JSON.stringify(condition)).digest('hex').slice(0, 8)
}
