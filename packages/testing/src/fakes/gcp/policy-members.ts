import type { FakeResponse } from '../fake-server.js'
import type { FakeIamBinding, FakeIamPolicy } from './iam-policy-store.js'
import type { Identities } from './identities.js'
import { googleError } from './responses.js'
import type { Roles } from './roles.js'

/** @internal What IAM checks the members and roles of a policy write against. */
export interface PolicyMemberRules {
  readonly identities: Identities
  readonly roles: Roles
  /**
   * Domain-restricted sharing (`constraints/iam.allowedPolicyMemberDomains`): the email domains
   * new members must belong to; `undefined` when the organisation sets no such policy.
   */
  readonly allowedMemberDomains: readonly string[] | undefined
}

const DOMAIN_RESTRICTION = 'constraints/iam.allowedPolicyMemberDomains'

/**
 * @internal IAM's answer to a policy write that names a role or member that does not exist
 * (400 `INVALID_ARGUMENT`), or, under domain-restricted sharing, a new member outside the
 * permitted domains (400 `FAILED_PRECONDITION`, with a `PreconditionFailure` per member);
 * `undefined` when the write may go ahead. Members already in the policy are not checked again:
 * domain-restricted sharing is not retroactive, and IAM itself turns deleted accounts into
 * `deleted:` members.
 */
export function refusedPolicyWrite(
  resource: string,
  current: FakeIamPolicy,
  bindings: readonly FakeIamBinding[],
  rules: PolicyMemberRules,
): FakeResponse | undefined {
  const role = bindings.map((b) => b.role).find((r) => !rules.roles.exists(r))
  if (role !== undefined) {
    return googleError(
      'INVALID_ARGUMENT',
      `Role (${role}) does not exist in the resource's hierarchy.`,
    )
  }
  const held = new Set(current.bindings.flatMap((b) => b.members))
  const added = [...new Set(bindings.flatMap((b) => b.members))].filter((m) => !held.has(m))
  const malformed = added.find((m) => !isMemberForm(m))
  if (malformed !== undefined) {
    return googleError(
      'INVALID_ARGUMENT',
      `Invalid member ${JSON.stringify(malformed)}: a member is allUsers, allAuthenticatedUsers, or <type>:<value> of a type IAM knows.`,
    )
  }
  for (const member of added) {
    const unknown = rules.identities.unknown(member)
    if (unknown !== undefined) return googleError('INVALID_ARGUMENT', unknown)
  }
  const allowed = rules.allowedMemberDomains
  if (allowed === undefined) return undefined
  const outside = added.filter((m) => !isPermitted(m, allowed))
  if (outside.length === 0) return undefined
  return googleError(
    'FAILED_PRECONDITION',
    'One or more users named in the policy do not belong to a permitted customer.',
    [
      {
        '@type': 'type.googleapis.com/google.rpc.PreconditionFailure',
        violations: outside.map((member) => {
          const who = member.slice(member.indexOf(':') + 1)
          return {
            type: DOMAIN_RESTRICTION,
            subject: `orgpolicy:${resource}?configvalue=${who}`,
            description: `User ${who} is not in permitted organization.`,
          }
        }),
      },
    ],
  )
}

// --- Internal ---

const EMAIL_ADDRESS = String.raw`[^@\s:?]+@[^@\s:?]+\.[A-Za-z]{2,}`

/**
 * The member forms IAM documents for a binding: `allUsers`, `allAuthenticatedUsers`,
 * `user:` / `serviceAccount:` / `group:` and an email address, `domain:` and a domain, the
 * `principal://` and `principalSet://` identifiers of workload and workforce identity federation,
 * and the `deleted:` form (with the account's `?uid=`) IAM itself writes for a deleted account.
 * The type names are written exactly so; anything else is refused as an invalid argument.
 */
const MEMBER_FORMS: readonly RegExp[] = [
  /^(?:allUsers|allAuthenticatedUsers)$/,
  new RegExp(`^(?:user|serviceAccount|group):${EMAIL_ADDRESS}$`),
  /^domain:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/,
  /^principal(?:Set)?:\/\/\S+$/,
  new RegExp(`^deleted:(?:user|serviceAccount|group):${EMAIL_ADDRESS}\\?uid=\\d+$`),
]

function isMemberForm(member: string): boolean {
  return MEMBER_FORMS.some((form) => form.test(member))
}

function isPermitted(member: string, allowed: readonly string[]): boolean {
  if (member.startsWith('deleted:')) return true
  // Anyone at all is never inside an organisation.
  if (member === 'allUsers' || member === 'allAuthenticatedUsers') return false
  const colon = member.indexOf(':')
  const kind = member.slice(0, colon)
  const value = member.slice(colon + 1)
  const domain = kind === 'domain' ? value : value.slice(value.lastIndexOf('@') + 1)
  if (!['user', 'group', 'serviceAccount', 'domain'].includes(kind)) return true
  return allowed.some((d) => d.toLowerCase() === domain.toLowerCase())
}
