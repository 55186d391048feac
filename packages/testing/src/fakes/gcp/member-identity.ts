// Member types whose value is an email address or a domain, which IAM compares without regard
// to case; every other form (`principal://…`, `deleted:…`, `allUsers`) is compared as written.
const CASE_INSENSITIVE_KINDS = new Set(['user', 'serviceAccount', 'group', 'domain'])

/**
 * @internal Who an IAM member names, for comparing members: IAM keeps a member as it was
 * written (`serviceAccount:CI@p.iam.gserviceaccount.com`) but decides access by the account its
 * email names, whatever the case. A `deleted:` member names no live account and stays distinct.
 */
export function memberIdentity(member: string): string {
  const colon = member.indexOf(':')
  if (colon < 0) return member
  const kind = member.slice(0, colon)
  return CASE_INSENSITIVE_KINDS.has(kind)
    ? `${kind}:${member.slice(colon + 1).toLowerCase()}`
    : member
}

/** @internal Whether two IAM members name the same principal. */
export function sameMember(a: string, b: string): boolean {
  return memberIdentity(a) === memberIdentity(b)
}
