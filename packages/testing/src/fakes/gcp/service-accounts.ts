import type { FakeResponse } from '../fake-server.js'
import { tokenPage } from '../pagination.js'
import type { IamPolicyStore } from './iam-policy-store.js'
import { type Identities, type ServiceAccountRecord, serviceAccountResource } from './identities.js'
import { googleError, ok } from './responses.js'

// IAM's rule for the account id of `serviceAccounts.create` (RFC 1035, 6-30 characters).
const ACCOUNT_ID = /^[a-z]([-a-z0-9]*[a-z0-9])$/
const ACCOUNT_ID_LENGTH = { min: 6, max: 30 }
const PROJECT_ID = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/
// What IAM lets a caller set on an account, and how long each may be.
const MAX_DISPLAY_NAME = 100
const MAX_DESCRIPTION = 256
// `serviceAccounts.list` pages: 20 accounts unless asked for more, never more than 100.
const DEFAULT_PAGE_SIZE = 20
const MAX_PAGE_SIZE = 100

/**
 * @internal IAM v1 `projects.serviceAccounts.create`: `POST /v1/projects/{project}/serviceAccounts`
 * with `{ accountId, serviceAccount: { displayName?, description? } }`. The email is
 * `{accountId}@{project}.iam.gserviceaccount.com`; an id outside IAM's rule is 400
 * `INVALID_ARGUMENT`, one taken in the project 409 `ALREADY_EXISTS`.
 */
export function createServiceAccount(
  identities: Identities,
  project: string,
  body: unknown,
): FakeResponse {
  const request = (body ?? {}) as { accountId?: unknown; serviceAccount?: unknown }
  const given = (request.serviceAccount ?? {}) as { displayName?: unknown; description?: unknown }
  if (!PROJECT_ID.test(project)) {
    return googleError('INVALID_ARGUMENT', `Invalid project id: ${project}`)
  }
  const { accountId } = request
  if (typeof accountId !== 'string' || !isAccountId(accountId)) {
    return googleError(
      'INVALID_ARGUMENT',
      `Invalid account id ${JSON.stringify(accountId ?? '')}: it must be 6-30 characters long and match [a-z]([-a-z0-9]*[a-z0-9]).`,
    )
  }
  const invalid =
    invalidText(given.displayName, 'displayName', MAX_DISPLAY_NAME) ??
    invalidText(given.description, 'description', MAX_DESCRIPTION)
  if (invalid !== undefined) return googleError('INVALID_ARGUMENT', invalid)
  const email = `${accountId}@${project}.iam.gserviceaccount.com`
  if (identities.hasServiceAccount(email)) {
    return googleError(
      'ALREADY_EXISTS',
      `Service account ${accountId} already exists within project projects/${project}.`,
    )
  }
  const record = identities.createServiceAccount({
    email,
    projectId: project,
    displayName: typeof given.displayName === 'string' ? given.displayName : '',
    description: typeof given.description === 'string' ? given.description : '',
  })
  identities.propagate(record.email)
  return ok(render(record))
}

/** @internal `projects.serviceAccounts.get`: the account, or 404 `NOT_FOUND`. */
export function getServiceAccount(identities: Identities, resource: string): FakeResponse {
  const record = identities.resolveServiceAccount(resource)
  return record === undefined ? unknownAccount(resource) : ok(render(record))
}

/**
 * @internal IAM v1 `projects.serviceAccounts.list`: `GET /v1/projects/{project}/serviceAccounts`,
 * the project's accounts, oldest first, a page at a time (`pageSize` absent or 0: 20, above 100:
 * 100, and at most `pageLimit`), with a `nextPageToken` until the last page; a `pageToken` this
 * listing did not answer, or a negative `pageSize`, is 400 `INVALID_ARGUMENT`.
 */
export function listServiceAccounts(
  identities: Identities,
  project: string,
  query: URLSearchParams,
  pageLimit: number | undefined,
): FakeResponse {
  const pageSize = Number(query.get('pageSize') ?? 0)
  if (!Number.isInteger(pageSize) || pageSize < 0) {
    return googleError('INVALID_ARGUMENT', `page_size must not be negative: ${pageSize}`)
  }
  const asked = pageSize === 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE)
  const size = Math.min(asked, pageLimit ?? asked)
  const accounts = identities.serviceAccounts().filter((r) => r.projectId === project)
  const page = tokenPage(accounts, size, query.get('pageToken') || undefined, `projects/${project}`)
  if (page === undefined) return googleError('INVALID_ARGUMENT', 'invalid page token')
  const listed = { accounts: page.items.map(render) }
  return ok(page.nextToken === undefined ? listed : { ...listed, nextPageToken: page.nextToken })
}

/**
 * @internal `projects.serviceAccounts.delete`: the account and its own policy go; bindings that
 * name it elsewhere turn into its `deleted:` member, as IAM does. 404 `NOT_FOUND` when missing.
 */
export function deleteServiceAccount(
  identities: Identities,
  policies: IamPolicyStore,
  resource: string,
): FakeResponse {
  const record = identities.resolveServiceAccount(resource)
  if (record === undefined) return unknownAccount(resource)
  const deleted = identities.deleteServiceAccount(record.email)
  policies.replaceMember(`serviceAccount:${record.email}`, deleted)
  return ok({})
}

/**
 * @internal `projects.serviceAccounts.getIamPolicy` and `setIamPolicy`: the account's own policy,
 * with the store's etag and version rules. IAM answers a call on an account that does not exist
 * as one the caller may not make (403 `PERMISSION_DENIED`, "or it may not exist").
 */
export function withServiceAccountPolicy(
  identities: Identities,
  resource: string,
  permission: string,
  fn: (policyResource: string) => FakeResponse,
): FakeResponse {
  const record = identities.resolveServiceAccount(resource)
  if (record === undefined) {
    return googleError(
      'PERMISSION_DENIED',
      `Permission '${permission}' denied on resource (or it may not exist).`,
    )
  }
  return fn(serviceAccountResource(record))
}

// --- Internal ---

function isAccountId(id: string): boolean {
  return (
    ACCOUNT_ID.test(id) && id.length >= ACCOUNT_ID_LENGTH.min && id.length <= ACCOUNT_ID_LENGTH.max
  )
}

function invalidText(value: unknown, field: string, max: number): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') return `${field} must be a string`
  return value.length > max ? `${field} must be at most ${max} characters` : undefined
}

function render(record: ServiceAccountRecord): Record<string, unknown> {
  return {
    name: serviceAccountResource(record),
    projectId: record.projectId,
    uniqueId: record.uid,
    email: record.email,
    // proto3 JSON leaves empty strings out.
    ...(record.displayName === '' ? {} : { displayName: record.displayName }),
    ...(record.description === '' ? {} : { description: record.description }),
    oauth2ClientId: record.uid,
  }
}

function unknownAccount(resource: string): FakeResponse {
  return googleError('NOT_FOUND', `Unknown service account: ${resource}`)
}
