/** An action on a resource, as in the Docker token scope grammar. */
export type RegistryAction = 'pull' | 'push' | 'delete' | '*'

/** One resource a request needs, e.g. `{ type: 'repository', name: 'a/b', actions: ['pull'] }`. */
export interface AccessRequest {
  type: 'repository' | 'registry'
  /** Repository name, or `catalog` for `registry`. */
  name: string
  actions: RegistryAction[]
}

/** What the server asks an authorizer about one HTTP request. */
export interface AuthorizeInput {
  /** The `Authorization` header, if any. */
  authorization: string | undefined
  /** Everything the request needs; empty for `GET /v2/` (authentication only). */
  access: AccessRequest[]
}

/** The authorizer's answer. */
export type AuthorizeResult =
  | { ok: true; subject: string }
  | {
      ok: false
      /** `unauthenticated` → 401 with `challenge`; `denied` → 403 DENIED. */
      reason: 'unauthenticated' | 'denied'
      /** The `WWW-Authenticate` value to send with a 401. */
      challenge?: string
    }

/** Decides whether a request may proceed. */
export type Authorizer = (input: AuthorizeInput) => AuthorizeResult | Promise<AuthorizeResult>
