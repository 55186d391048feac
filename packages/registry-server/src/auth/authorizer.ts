/** An action on a resource, as in the Docker token scope grammar. */
export type RegistryAction = 'pull' | 'push' | 'delete' | '*'

/** One resource a request needs, e.g. `{ type: 'repository', name: 'a/b', actions: ['pull'] }`. */
export interface AccessRequest {
  type: 'repository' | 'registry'
  /** Repository name, or `catalog` for `registry`. */
  name: string
  actions: RegistryAction[]
}

/**
 * The endpoint a request addresses: `version` is `/v2/`, `uploads` starts an upload, `upload` is
 * one upload session, `repository` and `gc` are the admin endpoints under `/_artifact-registry/`.
 */
export type RegistryEndpoint =
  | 'version'
  | 'catalog'
  | 'gc'
  | 'repository'
  | 'uploads'
  | 'upload'
  | 'blob'
  | 'manifest'
  | 'tags'
  | 'referrers'

/**
 * The HTTP request being decided, for authorizers whose rules are finer than pull/push/delete
 * (a cloud's IAM names one action for a tag list, another for a manifest read).
 */
export interface AuthorizedRequest {
  method: string
  endpoint: RegistryEndpoint
  /** The query (`digest` of a monolithic upload, `mount` and `from` of a mount). */
  searchParams: URLSearchParams
}

/** What the server asks an authorizer about one HTTP request. */
export interface AuthorizeInput {
  /** The `Authorization` header, if any. */
  authorization: string | undefined
  /** Everything the request needs; empty for `GET /v2/` (authentication only). */
  access: AccessRequest[]
  /**
   * The request itself. A mount's check of its source repository is asked as a blob read
   * (`GET` on `blob`), since a mount reads the blob there.
   */
  request: AuthorizedRequest
  /**
   * Aborts when the request's client has gone: work done only to answer it (a password check
   * waiting its turn) may stop.
   */
  signal?: AbortSignal
  /**
   * The address the request came from: slow password checks share their line out by it, so one
   * address flooding the server cannot keep another's out.
   */
  client?: string
}

/** The authorizer's answer. */
export type AuthorizeResult =
  | { ok: true; subject: string }
  | {
      ok: false
      /**
       * `unauthenticated` → 401 with `challenge`; `denied` → 403 DENIED; `name-unknown` → 404
       * NAME_UNKNOWN, for a registry that refuses a repository it does not hold (ECR).
       */
      reason: 'unauthenticated' | 'denied' | 'name-unknown'
      /** The `WWW-Authenticate` value to send with a 401. */
      challenge?: string
    }

/** Decides whether a request may proceed. */
export type Authorizer = (input: AuthorizeInput) => AuthorizeResult | Promise<AuthorizeResult>
