import {
  createServer,
  type IncomingMessage,
  type ServerOptions,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https'
import type { Permission } from '@artifact-registry/core'
import type { Authorizer } from './auth/authorizer.js'
import { anonymousAuthorizer, BASIC_CHALLENGE } from './auth/builtin-authorizers.js'
import type { CredentialMinter, MintedCredential } from './auth/credential-store.js'
import { type CredentialsToRevoke, parseCredentialsToRevoke } from './auth/revocation.js'
import { answerClientErrors } from './client-errors.js'
import { clientGone } from './client-gone.js'
import { ClosingGate } from './closing-gate.js'
import { ConcurrencyCap } from './concurrency-cap.js'
import { ConnectionGuards } from './connection-guards.js'
import { GarbageCollector } from './garbage-collector.js'
import { uploadHashing } from './hashing/select-hashing.js'
import { hasBody, type RouteContext } from './http.js'
import { listen } from './listening-server.js'
import { createLog, errorFields, type Log } from './log.js'
import { type GarbageCollectionResult, purgeExpiredUploads } from './maintenance.js'
import { OciError } from './oci-errors.js'
import {
  type LocalRegistryOptions,
  type RegistryTlsOptions,
  type ResolvedRegistryOptions,
  resolveRegistryOptions,
} from './options.js'
import { parseRequestTarget } from './request-target.js'
import { matchRoute } from './router.js'
import type { DataDirectoryLock } from './storage/data-dir-lock.js'
import { RegistryStore } from './storage/registry-store.js'
import { startWithDataDirectoryLock } from './storage/start-with-lock.js'
import { AuthService } from './token-service/auth-service.js'
import { UploadSessions } from './upload-sessions.js'

/**
 * A running registry server. `generateCredentials` mints Basic credentials and needs
 * `adminCredentials` (auth on); the token realm is `{url}/token` (or `{publicUrl}/token`). Once `close` is called,
 * `generateCredentials`, `revokeCredentials`, `collectGarbage` and `purgeExpiredUploads` reject
 * with "the registry is closed": another process may serve the data directory by then.
 */
export interface LocalRegistry extends AsyncDisposable, CredentialMinter {
  /** `http://host:port`, or `https://host:port` with `tls` */
  readonly url: string
  /** Where 401 challenges send clients for a token: `{publicUrl}/token`, else `{url}/token`. */
  readonly tokenRealm: string
  readonly host: string
  readonly port: number
  /**
   * Revoke one credential (`{ username }`, with `namespace` only if its repository is under
   * `namespace/`), every credential of a repository (`{ repository }`) or of the repositories
   * under a namespace (`{ namespace }`, held or not), and every token issued from them, at once. Deleting a repository
   * (`DELETE /_artifact-registry/repositories/<name>`) does this for its credentials. Returns how
   * many credentials were revoked.
   *
   * @throws TypeError without `adminCredentials`, or when `which` names none, or more than one,
   *   or an invalid repository name or namespace
   */
  revokeCredentials(which: CredentialsToRevoke): Promise<number>
  /**
   * As `generateCredentials`, but only for a repository that holds something (a manifest, a tag
   * or a blob); resolves to `undefined`, minting nothing, for one that does not. A deletion of the
   * repository (which revokes again once its content is gone) either finds the credential or
   * makes this resolve to `undefined`, so a mint racing a deletion never outlives it. Over HTTP:
   * `"ifRepositoryExists": true` in the mint request's body (404 `NAME_UNKNOWN` for such a repository).
   *
   * @throws TypeError as `generateCredentials` does
   */
  generateCredentialsIfRepositoryExists(
    repository: string,
    permission: Permission,
    ttlSeconds: number,
  ): Promise<MintedCredential | undefined>
  /** PEM of the CA that signs this registry's tokens (a registry:2 `rootcertbundle`); auth on only. */
  readonly tokenCaCertificate: string | undefined
  /**
   * Delete the blobs no manifest references, older than the grace period, now (after a
   * collection in progress); safe while pushes go on. The server also collects every
   * `gcIntervalSeconds`, and on `POST /_artifact-registry/gc` from the admin.
   */
  collectGarbage(): Promise<GarbageCollectionResult>
  /**
   * Remove upload sessions older than the upload expiry (one whose state a crash left unreadable
   * counts from when its files were last created or removed), and expired credentials, now
   * (after a maintenance in progress). The server also does this every quarter of the expiry.
   * Returns how many sessions it removed; rejects once the registry is closing.
   */
  purgeExpiredUploads(): Promise<number>
  /**
   * Stop accepting requests, end open connections, stop the maintenance timers, and wait for the
   * requests still being handled and for a garbage collection or purge in progress.
   */
  close(): Promise<void>
}

/**
 * Start an OCI Distribution registry on `node:http`, bound to 127.0.0.1 and a free port by
 * default, storing in `dataDir` (or in memory). With `adminCredentials`, auth is on: Basic with
 * the admin or minted credentials, and Bearer tokens from the `/token` realm.
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
  const log = createLog(options.logLevel, options.logger)
  return startWithDataDirectoryLock(resolved.dataDir, log, (lock) =>
    serveRegistry(options, resolved, log, lock),
  )
}

// --- Internal ---

async function serveRegistry(
  options: LocalRegistryOptions,
  resolved: ResolvedRegistryOptions,
  log: Log,
  lock: DataDirectoryLock | undefined,
): Promise<LocalRegistry> {
  // The directory locked, not `dataDir` as given: a relative one must not follow a later chdir.
  const dataDir = lock?.dir
  const store = await RegistryStore.open(dataDir, resolved.maxRepositoryMetadataBytes)
  const { limits } = resolved
  const hashing = uploadHashing(resolved.hashThreads, dataDir !== undefined)
  const auth = options.adminCredentials
    ? await AuthService.open({
        ...options.tokenService,
        dataDir,
        admin: options.adminCredentials,
      })
    : undefined
  // Only the built-in auth can tell: an `authorize` hook's subjects are the hook's own.
  const builtIn = options.authorize === undefined ? auth : undefined
  const ownerHeld = builtIn && ((owner: string) => builtIn.stillHolds(owner))
  const uploads = await UploadSessions.open(store, limits.uploadSessions, hashing, {
    log,
    expirySeconds: resolved.uploadExpirySeconds,
    ownerHeld,
  })
  let url = ''
  const realm = (): string => `${resolved.publicUrl ?? url}/token`
  const authorize = options.authorize ?? auth?.authorizer(realm) ?? anonymousAuthorizer
  const garbageCollector = new GarbageCollector(store, resolved.gcGracePeriodSeconds, log)
  const state: ServerState = {
    store,
    uploads,
    options: resolved,
    authorize,
    auth,
    builtInAuth:
      options.authorize === undefined && auth !== undefined ? { service: auth, realm } : undefined,
    garbageCollector,
    uploading: new ConcurrencyCap(limits.concurrentUploads, {
      what: 'concurrent uploads',
      retryAfterSeconds: 1,
      // The refused body is not read: closing drops the connection, rather than leaving it to a
      // client that may never send that body.
      headers: { Connection: 'close' },
    }),
  }

  const guards = new ConnectionGuards(limits)
  const onRequest = guards.listener(log, (req, res) => handle(req, res, state))
  const server = resolved.tls
    ? httpsServer(guards.serverOptions, resolved.tls, onRequest)
    : createServer(guards.serverOptions, onRequest)
  answerClientErrors(server)
  guards.watch(server, resolved.tls !== undefined, log)
  const listening = await listen(server, resolved.host, resolved.port)
  url = listening.url
  // One maintenance at a time, none once closing, and `close` waits for the one running: it
  // deletes files, which must not go on once the data directory's lock is let go.
  let maintenance: Promise<unknown> = Promise.resolve()
  let maintaining = 0
  // Set by the first `close`, which every later one returns.
  let closed: Promise<void> | undefined
  const maintain = (): Promise<number> => {
    if (closed !== undefined) return Promise.reject(new Error('the registry is closed'))
    maintaining += 1
    const run = maintenance.then(async () => {
      await auth?.identities.credentials.purgeExpired()
      return purgeExpiredUploads(uploads, resolved.uploadExpirySeconds)
    })
    maintenance = run.catch(() => {}).finally(() => (maintaining -= 1))
    return run
  }
  try {
    await maintain()
  } catch (error) {
    await listening.close()
    throw error
  }
  const timer = setInterval(() => {
    // A run still going (waiting for a long upload's lock, say) is not queued behind again.
    if (maintaining > 0) return
    void maintain().catch((error: unknown) =>
      log.write({ level: 'error', msg: 'maintenance failed', error: errorFields(error) }),
    )
  }, maintenanceInterval(resolved)).unref()
  garbageCollector.schedule(resolved.gcIntervalSeconds)

  // Collections, mints and revocations asked through the API: none once closing (see
  // `ClosingGate`), and close waits for those under way.
  const apiCalls = new ClosingGate('registry')
  // Once: `await using` after an explicit close() must not release the lock a second time.
  const close = (): Promise<void> => {
    closed ??= (async () => {
      const apiCallsSettled = apiCalls.close()
      clearInterval(timer)
      guards.close()
      await listening.close()
      await guards.settled()
      await apiCallsSettled
      await garbageCollector.stop()
      await maintenance
      await hashing.close()
      await lock?.release()
    })()
    return closed
  }
  return {
    url,
    tokenRealm: realm(),
    host: resolved.host,
    port: listening.port,
    generateCredentials: (repository, permission, ttlSeconds) =>
      apiCalls.run(async () => {
        if (auth === undefined)
          throw new TypeError(
            'generateCredentials needs adminCredentials: this registry runs without auth',
          )
        return auth.mint(repository, permission, ttlSeconds)
      }),
    generateCredentialsIfRepositoryExists: (repository, permission, ttlSeconds) =>
      apiCalls.run(async () => {
        if (auth === undefined)
          throw new TypeError(
            'generateCredentialsIfRepositoryExists needs adminCredentials: this registry runs without auth',
          )
        return auth.identities.credentials.mintIf(
          () => store.hasRepository(repository),
          repository,
          permission,
          ttlSeconds,
        )
      }),
    revokeCredentials: (which) =>
      apiCalls.run(async () => {
        if (auth === undefined)
          throw new TypeError(
            'revokeCredentials needs adminCredentials: this registry runs without auth',
          )
        return auth.revoke(parseCredentialsToRevoke(which))
      }),
    tokenCaCertificate: auth?.keys.ca.pem,
    collectGarbage: () => apiCalls.run(() => garbageCollector.collect()),
    purgeExpiredUploads: maintain,
    close,
    [Symbol.asyncDispose]: close,
  }
}

interface ServerState {
  store: RegistryStore
  uploads: UploadSessions
  options: ResolvedRegistryOptions
  authorize: Authorizer
  auth: AuthService | undefined
  /** The auth service when it is also what authorizes requests (no `authorize` hook). */
  builtInAuth: { service: AuthService; realm: () => string } | undefined
  garbageCollector: GarbageCollector
  /** Requests sending a body, per credential. */
  uploading: ConcurrencyCap
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  state: ServerState,
): Promise<void> {
  res.setHeader('Docker-Distribution-API-Version', 'registry/2.0')
  const url = parseRequestTarget(req.url)
  const holdsRepository = (name: string): boolean => state.store.hasRepository(name)
  if (state.auth && (await state.auth.handle(req, res, url, holdsRepository))) return
  const method = req.method ?? 'GET'
  const route = matchRoute(method, url.pathname)
  const authorization = req.headers.authorization
  const authorized = async (): Promise<string> => {
    const decision = await state.authorize({
      authorization,
      access: route.access,
      request: { method, endpoint: route.endpoint, searchParams: new URLSearchParams(url.search) },
      signal: clientGone(res),
      client: req.socket.remoteAddress,
    })
    if (decision.ok) return decision.subject
    if (decision.reason === 'denied') throw new OciError('DENIED', { detail: route.access })
    if (decision.reason === 'name-unknown') {
      throw new OciError('NAME_UNKNOWN', { detail: route.access })
    }
    throw new OciError('UNAUTHORIZED', {
      detail: route.access,
      headers: { 'WWW-Authenticate': decision.challenge ?? BASIC_CHALLENGE },
    })
  }
  const subject = await authorized()
  if (hasBody(req)) {
    // Its client may have gone while it was being authorized (a hook asking a slow service, a
    // token verified on a busy thread pool): the response's 'close' is then past, and a listener
    // added now would never give the place back, which the credential, and past the total
    // everyone, would have lost until a restart. Nobody is left to answer it anyway.
    if (res.destroyed) return
    state.uploading.take(subject)
    res.once('close', () => state.uploading.release(subject))
  }
  const ctx: RouteContext = {
    req,
    res,
    url,
    repository: route.repository,
    param: route.param,
    store: state.store,
    uploads: state.uploads,
    options: state.options,
    subject,
    recheckAccess: async () => {
      await authorized()
    },
    accessStillHeld: () => {
      const builtIn = state.builtInAuth
      if (builtIn === undefined || builtIn.service.stillHolds(subject)) return
      throw new OciError('UNAUTHORIZED', {
        detail: route.access,
        headers: { 'WWW-Authenticate': builtIn.service.challenge(builtIn.realm(), route.access) },
      })
    },
    garbageCollector: state.garbageCollector,
    auth: state.auth,
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
    request: { method: 'GET', endpoint: 'blob', searchParams: new URLSearchParams() },
    signal: clientGone(ctx.res),
    client: ctx.req.socket.remoteAddress,
  })
  if (!decision.ok) ctx.url.searchParams.delete('from')
}

function httpsServer(
  options: ServerOptions,
  tls: RegistryTlsOptions,
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
): HttpsServer {
  try {
    // The handshake gets the time the headers get: Node's own two minutes held a connection that
    // never began one, a place under `maxConnections`, four times as long as one sending nothing.
    const handshakeTimeout = options.headersTimeout
    return createHttpsServer(
      { ...options, handshakeTimeout, cert: tls.cert, key: tls.key },
      onRequest,
    )
  } catch (err) {
    // OpenSSL's own words ("no start line", "key values mismatch") name the actual problem.
    throw new TypeError(`tls: cannot use this certificate and key: ${(err as Error).message}`)
  }
}

function maintenanceInterval(options: ResolvedRegistryOptions): number {
  return Math.max(1000, Math.min(options.uploadExpirySeconds * 250, 3_600_000))
}
