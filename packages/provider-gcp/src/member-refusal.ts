import type { ArtifactRegistryError } from '@artifact-registry/core'
import { SERVICE_AGENT } from './access-members.js'
import type { IamPolicy } from './iam-policy.js'
import { platformError } from './map-error.js'

// gRPC codes of the two refusals, as google-gax's GoogleError carries them.
const INVALID_ARGUMENT = 3
const FAILED_PRECONDITION = 9

interface GoogleErrorLike {
  code?: unknown
  message?: unknown
  statusDetails?: unknown
  response?: { data?: { error?: { status?: unknown } } }
}

/**
 * @internal The error for a `setIamPolicy` that IAM refused because of a member the write adds,
 * naming that member; `undefined` for any other failure. IAM refuses a member that does not
 * exist (a deleted service account, a project whose Cloud Run service agent has not been created
 * yet) with `INVALID_ARGUMENT`, which stays `INVALID_ARGUMENT`; an organisation's
 * domain-restricted sharing refuses members from outside it with `FAILED_PRECONDITION` ("… do not
 * belong to a permitted customer"), which is `PERMISSION_DENIED`: the grant is not allowed, and
 * no retry or change of state will allow it.
 */
export function memberRefusal(
  err: unknown,
  resource: string,
  before: IamPolicy,
  after: IamPolicy,
): ArtifactRegistryError | undefined {
  const added = addedMembers(before, after)
  if (added.length === 0) return undefined
  const e = (err ?? {}) as GoogleErrorLike
  const status = statusOf(e)
  const text = `${String(e.message ?? '')} ${JSON.stringify(e.statusDetails ?? [])}`
  const named = added.filter((m) => text.includes(m.slice(m.indexOf(':') + 1)))
  const who = describe(named.length > 0 ? named : added, named.length > 0)
  if (status === INVALID_ARGUMENT && (named.length > 0 || /does not exist/i.test(text))) {
    return platformError(
      'INVALID_ARGUMENT',
      `setIamPolicy on ${resource} refused ${who}: IAM says it does not exist (a deleted service account, or a project whose Cloud Run service agent has not been created yet: it appears once the project uses Cloud Run)`,
      { cause: err },
    )
  }
  if (status === FAILED_PRECONDITION && /permitted customer/i.test(text)) {
    return platformError(
      'PERMISSION_DENIED',
      `setIamPolicy on ${resource} refused ${who}: the organisation's domain-restricted sharing (iam.allowedPolicyMemberDomains) does not permit members from outside it`,
      { cause: err },
    )
  }
  return undefined
}

// --- Internal ---

function statusOf(e: GoogleErrorLike): number | undefined {
  const fromBody = e.response?.data?.error?.status
  if (fromBody === 'INVALID_ARGUMENT') return INVALID_ARGUMENT
  if (fromBody === 'FAILED_PRECONDITION') return FAILED_PRECONDITION
  // A GaxiosError (with a response) carries the HTTP status in `code`, a GoogleError the gRPC one.
  return e.response === undefined && typeof e.code === 'number' ? e.code : undefined
}

function addedMembers(before: IamPolicy, after: IamPolicy): string[] {
  const held = new Set((before.bindings ?? []).flatMap((b) => b.members ?? []))
  const added = (after.bindings ?? []).flatMap((b) => b.members ?? []).filter((m) => !held.has(m))
  return [...new Set(added)]
}

/** Members as a user gave them: a project number for its Cloud Run service agent. */
function describe(members: readonly string[], certain: boolean): string {
  const names = members.map((m) => {
    const agent = SERVICE_AGENT.exec(m)
    return agent?.[1] === undefined
      ? m
      : `project ${agent[1]} (its Cloud Run service agent ${m.slice('serviceAccount:'.length)})`
  })
  const list = names.join(', ')
  return certain || names.length === 1 ? list : `one of ${list}`
}
