import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Authorizer } from './auth/authorizer.js'
import {
  adminOnlyAuthorizer,
  anonymousAuthorizer,
  BASIC_CHALLENGE,
} from './auth/builtin-authorizers.js'
import { type RouteContext, sendError } from './http.js'
import { collectGarbage, type GarbageCollectionResult, purgeExpiredUploads } from './maintenance.js'
import { OciError } from './oci-errors.js'
import {
  type LocalRegistryOptions,
  type ResolvedRegistryOptions,
  resolveRegistryOptions,
} from './options.js'
import { matchRoute } from './router.js'
import { RegistryStore } from './storage/registry-store.js'
import { UploadSessions } from './upload-sessions.js'

/** A running registry server. */
export interface LocalRegistry extends AsyncDisposable {
  /** `http://host:port` */
  readonly url: string
  readonly host: string
  readonly port: number
  /** Delete blobs no manifest references, older than the grace period. */
  collectGarbage(): Promise<GarbageCollectionResult>
  /** Remove upload sessions older than the upload expiry. Returns how many. */
  purgeExpiredUploads(): Promise<number>
  /** Stop accepting requests, end open connections and stop the maintenance timer. */
  close(): Promise<void>
}

/**
 * Start an OCI Distribution registry on `node:http`, bound to 127.0.0.1 and a free port by
 * default, storing in `dataDir` (or in memory).
 *
 * @example
 * ```ts
 * await using registry = await startLocalRegistry({ dataDir: './registry-data' })
 * console.log(registry.url) // http://127.0.0.1:41234
 * ```
 */
export async function startLocalRegistry(
  options: LocalRegistryOptions = {},
): Promise<LocalRegistry> {
  const resolved = resolveRegistryOptions(options)
  const store = await RegistryStore.open(resolved.dataDir)
  const uploads = new UploadSessions(store)
  const authorize =
    options.authorize ??
    (options.adminCredentials ? adminOnlyAuthorizer(options.adminCredentials) : anonymousAuthorizer)

  const server = createServer(
    { requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 30_000 },
    (req, res) => {
      handle(req, res, { store, uploads, options: resolved, authorize }).catch((err: unknown) =>
        sendError({ req, res }, err),
      )
    },
  )
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(resolved.port, resolved.host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const purge = (): Promise<number> => purgeExpiredUploads(uploads, resolved.uploadExpirySeconds)
  await purge()
  const timer = setInterval(
    () => void purge().catch(() => {}),
    maintenanceInterval(resolved),
  ).unref()

  const close = async (): Promise<void> => {
    clearInterval(timer)
    if (!server.listening) return
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeAllConnections()
    await closed
  }
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host
  return {
    url: `http://${host}:${port}`,
    host: resolved.host,
    port,
    collectGarbage: () => collectGarbage(store, resolved.gcGracePeriodSeconds),
    purgeExpiredUploads: purge,
    close,
    [Symbol.asyncDispose]: close,
  }
}

// --- Internal ---

interface ServerState {
  store: RegistryStore
  uploads: UploadSessions
  options: ResolvedRegistryOptions
  authorize: Authorizer
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  state: ServerState,
): Promise<void> {
  res.setHeader('Docker-Distribution-API-Version', 'registry/2.0')
  const url = new URL(req.url ?? '/', 'http://registry.invalid')
  const method = req.method ?? 'GET'
  const route = matchRoute(method, url.pathname)
  const authorization = req.headers.authorization
  const decision = await state.authorize({ authorization, access: route.access })
  if (!decision.ok) {
    if (decision.reason === 'denied') throw new OciError('DENIED', { detail: route.access })
    throw new OciError('UNAUTHORIZED', {
      detail: route.access,
      headers: { 'WWW-Authenticate': decision.challenge ?? BASIC_CHALLENGE },
    })
  }
  const ctx: RouteContext = {
    req,
    res,
    url,
    repository: route.repository,
    param: route.param,
    ...state,
  }
  if (url.searchParams.has('mount')) await checkMountSource(ctx, state.authorize, authorization)
  await route.handler(ctx)
}

// Mounting reads the source repository: without pull there, fall back to a normal upload.
async function checkMountSource(
  ctx: RouteContext,
  authorize: Authorizer,
  authorization: string | undefined,
): Promise<void> {
  const from = ctx.url.searchParams.get('from')
  if (from === null) return
  const decision = await authorize({
    authorization,
    access: [{ type: 'repository', name: from, actions: ['pull'] }],
  })
  if (!decision.ok) ctx.url.searchParams.delete('from')
}

function maintenanceInterval(options: ResolvedRegistryOptions): number {
  return Math.max(1000, Math.min(options.uploadExpirySeconds * 250, 3_600_000))
}
