import { randomBytes } from 'node:crypto'
import { Agent, type IncomingMessage, request, type ServerResponse } from 'node:http'
import {
  type AuthorizeInput,
  type AuthorizeResult,
  type LocalRegistry,
  startLocalRegistry,
} from '@artifact-registry/registry-server'
import type { StreamedRoute } from '../fake-server.js'
import { accessCovers, type NeededAccess, neededAccess, type TokenAccess } from './acr-grants.js'
import type { FakeClock } from './clock.js'
import { acrError } from './responses.js'
import type { AzureFakeState } from './state.js'

/** What the data plane checks tokens against. */
export interface DataPlaneDeps {
  readonly state: AzureFakeState
  readonly clock: FakeClock
}

/** The operation name of every OCI request (`/v2/…`) in the request log and for `inject`. */
export const OCI_OPERATION = 'acr.v2'

// Hop-by-hop headers belong to one connection: they are never forwarded.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
  'host',
])

/**
 * The registry behind the fake's login server. ACR serves the OCI API (`/v2/…`) on the same host
 * as its token endpoints, so the fake streams every `/v2/` request, untouched, to a registry of
 * its own on another port of 127.0.0.1 whose every request is decided as ACR decides it: a Bearer
 * access token that the fake's `/oauth2/token` issued for this login server, not expired on the
 * fake's clock, whose `access` claim covers what the request needs. Anything else gets ACR's
 * `401` and Bearer challenge (`realm="https://{login server}/oauth2/token"`), the scope included,
 * so clients such as docker and skopeo fetch a token and retry; ACR answers a token lacking an
 * action with that same 401.
 */
export class AcrDataPlane {
  /** The internal registry's own credential, for the fake's housekeeping (seeding, deleting). */
  readonly #adminToken = randomBytes(32).toString('base64url')
  readonly #agent = new Agent({ keepAlive: true })
  readonly #registry: LocalRegistry
  readonly #deps: DataPlaneDeps
  #loginServer = ''
  #closing: Promise<void> | undefined

  private constructor(registry: LocalRegistry, deps: DataPlaneDeps, authorize: Authorize) {
    this.#registry = registry
    this.#deps = deps
    authorize.decide = (input) => this.#authorize(input)
  }

  /**
   * Start the internal registry (in memory, on a free port of 127.0.0.1), whose catalog and tag
   * lists hold at most `pageLimit` names a page when given.
   */
  static async start(deps: DataPlaneDeps, pageLimit?: number): Promise<AcrDataPlane> {
    // The registry needs its authorizer before the data plane exists to decide anything.
    const authorize: Authorize = { decide: () => ({ ok: false, reason: 'unauthenticated' }) }
    const registry = await startLocalRegistry({
      authorize: (input) => authorize.decide(input),
      logLevel: 'silent',
      gcIntervalSeconds: 0,
      ...(pageLimit !== undefined && { maxPageEntries: pageLimit }),
    })
    return new AcrDataPlane(registry, deps, authorize)
  }

  /** Serve the data plane for `loginServer` (`127.0.0.1:{port}` of the fake). */
  attach(loginServer: string): void {
    this.#loginServer = loginServer
  }

  /** `127.0.0.1:{port}` of the internal registry, for the fake's own calls to it. */
  get internalUrl(): string {
    return this.#registry.url
  }

  /** The `Authorization` header of the fake's own calls to the internal registry. */
  get adminAuthorization(): string {
    return `Bearer ${this.#adminToken}`
  }

  /** The fake server's route for `/v2/…`: streamed to the internal registry both ways. */
  readonly streamed: StreamedRoute = {
    operationOf: (_method, url) =>
      url.pathname === '/v2' || url.pathname.startsWith('/v2/') ? OCI_OPERATION : undefined,
    handle: (req, res) => this.#forward(req, res),
  }

  /** Stop the internal registry and drop its connections. Safe to call more than once. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#agent.destroy()
      await this.#registry.close()
    })()
    return this.#closing
  }

  #authorize(input: AuthorizeInput): AuthorizeResult {
    const token = /^Bearer\s+(\S+)$/i.exec(input.authorization ?? '')?.[1]
    if (token !== undefined && token === this.#adminToken)
      return { ok: true, subject: 'azure-fake' }
    const claims = token === undefined ? undefined : this.#deps.state.accessTokens.get(token)
    const valid =
      claims !== undefined &&
      claims.exp > this.#deps.clock.epochSeconds() &&
      claims.aud === this.#loginServer
    const needed = neededAccess(input.access, input.request)
    if (!valid) return this.#challenge(needed, undefined)
    if (accessCovers(claims.access as TokenAccess[], needed)) {
      return { ok: true, subject: String(claims.sub) }
    }
    return this.#challenge(needed, 'insufficient_scope')
  }

  #challenge(access: readonly NeededAccess[], error: string | undefined): AuthorizeResult {
    const host = this.#loginServer
    const scope = access.map((a) => `${a.type}:${a.name}:${a.actions.join(',')}`).join(' ')
    const parts = [`realm="https://${host}/oauth2/token"`, `service="${host}"`]
    if (scope !== '') parts.push(`scope="${scope}"`)
    if (error !== undefined) parts.push(`error="${error}"`)
    return { ok: false, reason: 'unauthenticated', challenge: `Bearer ${parts.join(',')}` }
  }

  #forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const headers = withoutHopByHop(req.headers)
      const upstream = request(
        new URL(req.url ?? '/', this.#registry.url),
        { method: req.method, headers, agent: this.#agent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers))
          answer.pipe(res)
          answer.on('end', resolve)
          answer.on('error', () => {
            res.destroy()
            resolve()
          })
        },
      )
      upstream.on('error', () => {
        if (res.headersSent) res.destroy()
        else sendUnavailable(res)
        resolve()
      })
      // A client that goes away mid-upload ends the upstream request with it.
      req.on('close', () => {
        if (!req.complete) upstream.destroy()
      })
      req.pipe(upstream)
    })
  }
}

// --- Internal ---

/** The authorizer the registry calls, set once the data plane exists. */
interface Authorize {
  decide: (input: AuthorizeInput) => AuthorizeResult
}

function withoutHopByHop(headers: IncomingMessage['headers']): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value
  }
  return kept
}

function sendUnavailable(res: ServerResponse): void {
  const { body, status } = acrError(503, 'UNAVAILABLE', 'the registry is unavailable')
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  })
  res.end(text)
}
