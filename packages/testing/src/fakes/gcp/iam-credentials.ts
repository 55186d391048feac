import type { FakeResponse } from '../fake-server.js'
import type { AccessTokens } from './access-tokens.js'
import type { Identities } from './identities.js'
import { googleError, ok, timestamp } from './responses.js'

/** An access token the fake's IAM Credentials API issued. */
export interface IssuedAccessToken {
  /** The impersonated service account. */
  readonly serviceAccount: string
  readonly accessToken: string
  /** OAuth scopes asked for. */
  readonly scope: readonly string[]
  readonly delegates: readonly string[]
  /** The lifetime asked for, in seconds. */
  readonly lifetimeSeconds: number
  /** The `expireTime` the fake answered (RFC 3339). */
  readonly expireTime: string
}

// IAM Credentials refuses lifetimes above one hour unless an org policy extends it.
const MAX_LIFETIME_SECONDS = 3600
const DEFAULT_LIFETIME_SECONDS = 3600

/** @internal What `generateAccessToken` works with. */
export interface ImpersonationContext {
  /** The member whose token signed the request. */
  readonly caller: string
  readonly identities: Identities
  readonly accessTokens: AccessTokens
  /** The log of issued tokens (`fake.tokens`). */
  readonly issued: IssuedAccessToken[]
}

/**
 * @internal IAM Credentials `generateAccessToken`:
 * `POST /v1/projects/-/serviceAccounts/{email}:generateAccessToken`. The caller needs
 * `iam.serviceAccounts.getAccessToken` on the service account (its token creators); a service
 * account that does not exist gets the same 403, as IAM does not say which it was. With
 * `delegates` (each `projects/-/serviceAccounts/{email or unique id}`, else 400), every link of the chain needs
 * that permission instead: the caller on the first delegate, each delegate on the next, the last
 * on the service account.
 */
export function generateAccessToken(
  serviceAccount: string,
  body: unknown,
  context: ImpersonationContext,
): FakeResponse {
  const request = (body ?? {}) as { scope?: unknown; lifetime?: unknown; delegates?: unknown }
  if (!/^[^@\s]+@[^@\s]+$/.test(serviceAccount)) {
    return googleError('INVALID_ARGUMENT', 'the service account must be an email address')
  }
  const delegates = request.delegates ?? []
  const chain = isStringList(delegates) ? delegateEmails(context, delegates) : undefined
  if (!isStringList(delegates) || chain === undefined) {
    return googleError(
      'INVALID_ARGUMENT',
      'each delegate must be named projects/-/serviceAccounts/{email}',
    )
  }
  if (!mayImpersonateThrough(context, chain, serviceAccount)) {
    return googleError(
      'PERMISSION_DENIED',
      "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).",
      [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'IAM_PERMISSION_DENIED',
          domain: 'iam.googleapis.com',
          metadata: { permission: 'iam.serviceAccounts.getAccessToken' },
        },
      ],
    )
  }
  if (!isStringList(request.scope) || request.scope.length === 0) {
    return googleError('INVALID_ARGUMENT', 'scope is required')
  }
  const lifetimeSeconds = parseDuration(request.lifetime)
  if (lifetimeSeconds === undefined || lifetimeSeconds <= 0) {
    return googleError('INVALID_ARGUMENT', 'lifetime must be a positive duration such as "600s"')
  }
  if (lifetimeSeconds > MAX_LIFETIME_SECONDS) {
    return googleError(
      'INVALID_ARGUMENT',
      `The lifetime of the access token must be at most ${MAX_LIFETIME_SECONDS}s`,
    )
  }
  const minted = context.accessTokens.issueToServiceAccount(
    serviceAccount,
    lifetimeSeconds,
    request.scope,
  )
  const token: IssuedAccessToken = {
    serviceAccount,
    accessToken: minted.token,
    scope: request.scope,
    delegates,
    lifetimeSeconds,
    expireTime: timestamp(new Date(minted.expiresAtMs)),
  }
  context.issued.push(token)
  return ok({ accessToken: token.accessToken, expireTime: token.expireTime })
}

// --- Internal ---

// A delegate as IAM Credentials documents it: the account's email or unique id under the `-`
// project wildcard, which is required (a project id in its place is invalid).
const DELEGATE = /^projects\/-\/serviceAccounts\/[^/\s]+$/

/**
 * The email of the account each delegate names (`undefined` for one that does not exist, a
 * broken link), or `undefined` for the whole list when a delegate is not named as IAM requires.
 */
function delegateEmails(
  context: ImpersonationContext,
  delegates: readonly string[],
): (string | undefined)[] | undefined {
  if (!delegates.every((delegate) => DELEGATE.test(delegate))) return undefined
  return delegates.map((delegate) => context.identities.resolveServiceAccount(delegate)?.email)
}

/**
 * Whether the caller reaches `serviceAccount` through the delegation chain: each link (the caller
 * on the first delegate, each delegate on the next, the last on the target) needs
 * `iam.serviceAccounts.getAccessToken`, and the caller's own role on the target replaces none.
 */
function mayImpersonateThrough(
  context: ImpersonationContext,
  delegates: readonly (string | undefined)[],
  serviceAccount: string,
): boolean {
  if (delegates.some((email) => email === undefined)) return false
  const members = [context.caller, ...delegates.map((email) => `serviceAccount:${email}`)]
  const targets = [...delegates, serviceAccount]
  return targets.every(
    (email, i) => email !== undefined && context.identities.mayImpersonate(members[i] ?? '', email),
  )
}

// A proto3 JSON Duration: seconds with up to nine fractional digits. The fraction counts: cut
// off, "3600.5s" would pass the one-hour limit IAM holds it to.
function parseDuration(value: unknown): number | undefined {
  if (value === undefined) return DEFAULT_LIFETIME_SECONDS
  if (typeof value !== 'string') return undefined
  const match = /^\d+(\.\d{1,9})?s$/.exec(value)
  return match === null ? undefined : Number(value.slice(0, -1))
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string')
}
