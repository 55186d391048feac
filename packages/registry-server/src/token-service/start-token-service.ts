import { createServer } from 'node:http'
import { KNOWN_ADMIN_CREDENTIALS } from '../auth/admin-account.js'
import type { CredentialMinter } from '../auth/credential-store.js'
import { type CredentialsToRevoke, parseCredentialsToRevoke } from '../auth/revocation.js'
import { answerClientErrors } from '../client-errors.js'
import { ClosingGate } from '../closing-gate.js'
import { ConnectionGuards } from '../connection-guards.js'
import { type Listening, listen } from '../listening-server.js'
import { createLog, type Log, type LogLevel, type LogSink } from '../log.js'
import { checkPublicUrl } from '../public-url.js'
import { type RequestLimitOptions, resolveRequestLimits } from '../request-limits.js'
import { parseRequestTarget } from '../request-target.js'
import type { DataDirectoryLock } from '../storage/data-dir-lock.js'
import { startWithDataDirectoryLock } from '../storage/start-with-lock.js'
import { refuseUnknownOptions } from '../unknown-options.js'
import { AuthService, type AuthServiceOptions, TOKEN_PATH } from './auth-service.js'
import { startCredentialPurge } from './credential-purge.js'

/**
 * Options of {@link startTokenService}; the connection cap and the timeouts are the registry's (see
 * `RequestLimitOptions`), with the same defaults.
 */
export interface TokenServiceOptions
  extends AuthServiceOptions,
    Pick<
      RequestLimitOptions,
      | 'maxConnections'
      | 'headersTimeoutSeconds'
      | 'bodyTimeoutSeconds'
      | 'minBodyBytesPerSecond'
      | 'sendTimeoutSeconds'
    > {
  /** @default "127.0.0.1" */
  host?: string
  /** @default 0 (a free port) */
  port?: number
  /**
   * The address clients and the registry reach this service at, when it is not the one it listens
   * on (every interface, a port mapping, a proxy): the realm is `{publicUrl}/token`. An http(s)
   * origin. @default the listening URL
   */
  publicUrl?: string
  /** What to log, as for `startLocalRegistry`. @default "error" */
  logLevel?: LogLevel
  /** Where log events go. @default one JSON line per event on stderr */
  logger?: LogSink
}

/**
 * A running standalone token service. Once `close` is called, `generateCredentials` and
 * `revokeCredentials` reject with "the token service is closed": another process may serve the
 * data directory by then.
 */
export interface TokenService extends AsyncDisposable, CredentialMinter {
  readonly url: string
  /** The realm to configure in the registry: `{url}/token`, or `{publicUrl}/token`. */
  readonly realm: string
  readonly service: string
  readonly issuer: string
  /** PEM of the CA that signs tokens: the registry's `rootcertbundle`. */
  readonly caCertificate: string
  /**
   * Revoke one credential (`{ username }`, with `namespace` only if its repository is under
   * `namespace/`) or every credential of a repository (`{ repository }`): the service issues no
   * more tokens for them. Tokens already issued are
   * not recalled: registry:2 honours them until they expire, `tokenTtlSeconds` at most.
   * Returns how many credentials were revoked.
   *
   * @throws TypeError when `which` names none, or more than one, or an invalid repository name or
   *   namespace
   */
  revokeCredentials(which: CredentialsToRevoke): Promise<number>
  /**
   * The `auth.token` section of a registry:2 config (YAML) that trusts this service, given where
   * the CA certificate is (or will be) stored for the registry.
   */
  registryAuthConfig(rootCertBundlePath: string): string
  /** The same settings as registry:2 environment variables (`REGISTRY_AUTH_TOKEN_*`). */
  registryAuthEnv(rootCertBundlePath: string): Record<string, string>
  close(): Promise<void>
}

/**
 * Run the token realm on its own, in front of an external `registry:2` configured with
 * `auth.token`: the registry trusts our tokens, so credentials minted here are scoped to one
 * repository and permission and expire there too.
 *
 * @example
 * ```ts
 * await using tokens = await startTokenService({ dataDir, admin: { username: 'admin', password } })
 * await writeFile('/etc/registry/token-ca.pem', tokens.caCertificate)
 * console.log(tokens.registryAuthConfig('/etc/registry/token-ca.pem'))
 * ```
 */
export async function startTokenService(options: TokenServiceOptions): Promise<TokenService> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options of startTokenService must be an object')
  }
  refuseUnknownOptions(options, KNOWN_OPTIONS, 'startTokenService')
  const publicUrl = checkPublicUrl(options.publicUrl, 'startTokenService')
  const { admin } = options
  if (typeof admin === 'object' && admin !== null) {
    refuseUnknownOptions(admin, KNOWN_ADMIN_CREDENTIALS, 'startTokenService admin')
  }
  const log = createLog(options.logLevel, options.logger)
  // Two services on one directory would each rewrite its credentials and forget the other's.
  return startWithDataDirectoryLock(options.dataDir, log, (lock) =>
    serveTokens(options, publicUrl, log, lock),
  )
}

// --- Internal ---

/**
 * Every option `startTokenService` reads: a misspelt one is a `TypeError`, never ignored. A
 * `Record` over the options' keys, so an option added to {@link TokenServiceOptions} does not
 * compile until it is listed here.
 */
const KNOWN_OPTIONS: Readonly<Record<keyof TokenServiceOptions, true>> = {
  dataDir: true,
  admin: true,
  service: true,
  issuer: true,
  tokenTtlSeconds: true,
  host: true,
  port: true,
  publicUrl: true,
  logLevel: true,
  logger: true,
  maxConnections: true,
  headersTimeoutSeconds: true,
  bodyTimeoutSeconds: true,
  minBodyBytesPerSecond: true,
  sendTimeoutSeconds: true,
}

async function serveTokens(
  options: TokenServiceOptions,
  publicUrl: string | undefined,
  log: Log,
  lock: DataDirectoryLock | undefined,
): Promise<TokenService> {
  const guards = new ConnectionGuards(resolveRequestLimits(options))
  // The directory locked, not `dataDir` as given: a relative one must not follow a later chdir.
  const auth = await AuthService.open({ ...options, dataDir: lock?.dir })
  const server = createServer(
    guards.serverOptions,
    guards.listener(log, async (req, res) => {
      // Parsed in the listener's chain: a target that is no URL is answered, not thrown out.
      if (!(await auth.handle(req, res, parseRequestTarget(req.url)))) {
        res.writeHead(404, { 'Content-Length': '0' }).end()
      }
    }),
  )
  answerClientErrors(server)
  guards.watch(server, false, log)
  // Expired credentials are forgotten as the registry's maintenance forgets them: a service that
  // mints for months otherwise holds every credential it ever minted.
  const purge = await startCredentialPurge(auth.identities.credentials, log)
  let listening: Listening
  try {
    listening = await listen(server, options.host ?? '127.0.0.1', options.port ?? 0)
  } catch (error) {
    // The lock is let go once this throws: no purge may write to the directory after it.
    await purge.stop()
    throw error
  }
  const { url } = listening
  // Mints and revocations asked through the API: none once closing (see `ClosingGate`).
  const apiCalls = new ClosingGate('token service')
  let closed: Promise<void> | undefined
  const close = (): Promise<void> => {
    closed ??= (async () => {
      const apiCallsSettled = apiCalls.close()
      guards.close()
      await listening.close()
      await guards.settled()
      await apiCallsSettled
      await purge.stop()
      await lock?.release()
    })()
    return closed
  }
  const realm = `${publicUrl ?? url}${TOKEN_PATH}`
  const { service, issuer } = auth.identities.tokens
  return {
    url,
    realm,
    service,
    issuer,
    caCertificate: auth.keys.ca.pem,
    generateCredentials: (repository, permission, ttlSeconds) =>
      apiCalls.run(() => auth.mint(repository, permission, ttlSeconds)),
    revokeCredentials: (which) =>
      apiCalls.run(async () => auth.revoke(parseCredentialsToRevoke(which))),
    registryAuthConfig: (path) =>
      [
        'auth:',
        '  token:',
        // Each value quoted (a JSON string is a YAML double-quoted scalar): unquoted, an issuer
        // such as `acme #1` reads as `acme` (a comment follows) and every token is refused, and a
        // value with `: ` in it breaks the file.
        `    realm: ${JSON.stringify(realm)}`,
        `    service: ${JSON.stringify(service)}`,
        `    issuer: ${JSON.stringify(issuer)}`,
        `    rootcertbundle: ${JSON.stringify(path)}`,
        '',
      ].join('\n'),
    registryAuthEnv: (path) => ({
      REGISTRY_AUTH: 'token',
      REGISTRY_AUTH_TOKEN_REALM: realm,
      REGISTRY_AUTH_TOKEN_SERVICE: service,
      REGISTRY_AUTH_TOKEN_ISSUER: issuer,
      REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE: path,
    }),
    close,
    [Symbol.asyncDispose]: close,
  }
}
