import { RegistryHttpError } from './map-error.js'
import { checkedRealm } from './realm-check.js'
import type { ClosableFetch, Fetch } from './trusting-fetch.js'
import { namingUnreachable } from './unreachable.js'

/** A username and password. */
export interface BasicAuth {
  username: string
  password: string
}

interface CachedToken {
  token: string
  expiresAt: number
}

/**
 * A small registry client for the provider's own admin calls. It sends Basic credentials and,
 * when the registry answers with a Bearer challenge (registry:2 behind our token service),
 * fetches a token from the realm for the challenged scope and retries; tokens are cached.
 */
export class RegistryClient {
  readonly baseUrl: string
  /**
   * How every request is sent: the global `fetch`, or one trusting a private CA; a request that
   * gets no answer rejects with a RegistryUnreachableError naming where it went.
   */
  readonly fetch: Fetch
  readonly #auth: BasicAuth | undefined
  readonly #transport: ClosableFetch | undefined
  readonly #tokens = new Map<string, CachedToken>()
  /** Where a token realm on another host may be, besides the registry's own host. */
  readonly tokenServiceUrl: string | undefined

  /**
   * @param transport how to send requests when not with the global `fetch`
   * @param tokenServiceUrl a token service the admin's credentials may be sent to, when the
   *   registry names it as its realm (see {@link checkedRealm})
   */
  constructor(
    baseUrl: string,
    auth: BasicAuth | undefined,
    transport?: ClosableFetch,
    tokenServiceUrl?: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '')
    this.#auth = auth
    this.#transport = transport
    this.tokenServiceUrl = tokenServiceUrl
    this.fetch = namingUnreachable(transport?.fetch ?? fetch)
  }

  /** Let go of the transport's kept-alive connections. */
  close(): void {
    this.#transport?.close()
  }

  /**
   * Send a request; 401 with a Bearer challenge is answered once with a token. `init.signal`
   * cancels the request itself (the token request, when one is needed, runs to its end).
   */
  async request(
    method: string,
    path: string,
    init: { body?: Buffer; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const send = (authorization: string | undefined): Promise<Response> =>
      this.fetch(`${this.baseUrl}${path}`, {
        method,
        ...(init.body && { body: init.body }),
        ...(init.signal && { signal: init.signal }),
        headers: { ...init.headers, ...(authorization && { authorization }) },
      })
    const cached = this.#cachedToken(method, path)
    const first = await send(cached === undefined ? this.#basic() : `Bearer ${cached}`)
    if (first.status !== 401) return first
    const challenge = parseBearerChallenge(first.headers.get('www-authenticate'))
    if (challenge === undefined) return first
    await first.body?.cancel()
    const token = await this.#token(challenge)
    return send(`Bearer ${token}`)
  }

  /** Like {@link request}, but any status other than `expected` throws RegistryHttpError. */
  async expect(
    expected: number[],
    method: string,
    path: string,
    init?: { body?: Buffer; headers?: Record<string, string> },
  ): Promise<Response> {
    const res = await this.request(method, path, init)
    if (!expected.includes(res.status))
      throw new RegistryHttpError(res.status, await res.text(), `${method} ${path}`)
    return res
  }

  /**
   * The realm of the registry's Bearer challenge, if it has one (a token service in front).
   * @throws RegistryHttpError for an answer other than 200 or 401, which tells no realm
   */
  async discoverRealm(): Promise<string | undefined> {
    const res = await this.fetch(`${this.baseUrl}/v2/`)
    // Only the registry's own answer, 200 (no auth) or 401 (its challenge), says whether it has
    // a realm. A proxy's 502 while the registry restarts says nothing: taken for "no realm", it
    // sent every later mint and revoke to a registry that serves neither.
    if (res.status !== 200 && res.status !== 401)
      throw new RegistryHttpError(
        res.status,
        await res.text(),
        'GET /v2/ (finding the token realm)',
      )
    await res.body?.cancel()
    return parseBearerChallenge(res.headers.get('www-authenticate'))?.realm
  }

  /**
   * A cached token, not expired, whose scope grants what `method` needs on the repository of
   * `path`: a pull token is never sent with a push or a delete, which would only earn a 401 and
   * a token request (docs/cloud-calls.md#local).
   */
  #cachedToken(method: string, path: string): string | undefined {
    const action = actionOf(method)
    const now = Date.now()
    for (const [scope, cached] of this.#tokens) {
      if (cached.expiresAt > now && scopeGrants(scope, path, action)) return cached.token
    }
    return undefined
  }

  #basic(): string | undefined {
    const auth = this.#auth
    return auth && `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
  }

  async #token(challenge: BearerChallenge): Promise<string> {
    const basic = this.#basic()
    const url =
      basic === undefined
        ? new URL(challenge.realm)
        : checkedRealm(challenge.realm, this.baseUrl, this.tokenServiceUrl)
    if (challenge.service) url.searchParams.set('service', challenge.service)
    if (challenge.scope) url.searchParams.set('scope', challenge.scope)
    const res = await this.fetch(url, { headers: basic ? { authorization: basic } : {} })
    if (res.status !== 200)
      throw new RegistryHttpError(res.status, await res.text(), 'token request')
    const body = (await res.json()) as {
      token?: string
      access_token?: string
      expires_in?: number
    }
    const token = body.token ?? body.access_token ?? ''
    const lifetime = (body.expires_in ?? 60) * 1000
    this.#tokens.set(challenge.scope ?? '', { token, expiresAt: Date.now() + lifetime - 5000 })
    return token
  }
}

// --- Internal ---

interface BearerChallenge {
  realm: string
  service?: string
  scope?: string
}

/** Parse `Bearer realm="…",service="…",scope="…"`. */
export function parseBearerChallenge(header: string | null): BearerChallenge | undefined {
  if (!header || !/^Bearer\s/i.test(header)) return undefined
  const params = Object.fromEntries(
    [...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
  )
  if (!params.realm) return undefined
  return {
    realm: params.realm,
    ...(params.service && { service: params.service }),
    ...(params.scope && { scope: params.scope }),
  }
}

/** The action of the distribution token scope a request of `method` needs. */
function actionOf(method: string): string {
  if (method === 'GET' || method === 'HEAD') return 'pull'
  return method === 'DELETE' ? 'delete' : 'push'
}

// A cached token is reused only for paths of the repository its scope names, for its actions.
function scopeGrants(scope: string, path: string, action: string): boolean {
  const match = scope.match(/^repository:(.+):([^:]+)$/)
  if (match === null || repositoryOf(path) !== match[1]) return false
  const actions = (match[2] ?? '').split(',')
  return actions.includes(action) || actions.includes('*')
}

/**
 * The repository an OCI API path is of: the name before its `manifests/`, `blobs/` or
 * `tags/list`. Not a prefix match: `team`'s token sent for `team/app`'s paths (another
 * repository, nested in the name) only earned a 401 and a token request, at every request.
 */
function repositoryOf(path: string): string | undefined {
  const pathname = path.split('?', 1)[0] ?? ''
  return pathname.match(
    /^\/v2\/(.+?)\/(?:manifests\/[^/]+|blobs\/uploads\/[^/]*|blobs\/[^/]+|tags\/list)$/,
  )?.[1]
}
