import { createServer } from 'node:http'
import type { CredentialMinter } from '../auth/credential-store.js'
import { type CredentialsToRevoke, parseCredentialsToRevoke } from '../auth/revocation.js'
import { answerClientErrors } from '../client-errors.js'
import { ConnectionGuards } from '../connection-guards.js'
import { sendError } from '../http.js'
import { listen } from '../listening-server.js'
import { createLog, type Log, type LogLevel, type LogSink } from '../log.js'
import { type RequestLimitOptions, resolveRequestLimits } from '../request-limits.js'
import { traceRequest } from '../request-log.js'
import { parseRequestTarget } from '../request-target.js'
import type { DataDirectoryLock } from '../storage/data-dir-lock.js'
import { startWithDataDirectoryLock } from '../storage/start-with-lock.js'
import { AuthService, type AuthServiceOptions, TOKEN_PATH } from './auth-service.js'

/**
 * Options of {@link startTokenService}; the timeouts are the registry's (see
 * `RequestLimitOptions`), with the same defaults.
 */
export interface TokenServiceOptions
  extends AuthServiceOptions,
    Pick<
      RequestLimitOptions,
      | 'headersTimeoutSeconds'
      | 'bodyTimeoutSeconds'
      | 'minBodyBytesPerSecond'
      | 'sendTimeoutSeconds'
    > {
  /** @default "127.0.0.1" */
  host?: string
  /** @default 0 (a free port) */
  port?: number
  /** What to log, as for `startLocalRegistry`. @default "error" */
  logLevel?: LogLevel
  /** Where log events go. @default one JSON line per event on stderr */
  logger?: LogSink
}

/** A running standalone token service. */
export interface TokenService extends AsyncDisposable, CredentialMinter {
  readonly url: string
  /** The realm to configure in the registry: `{url}/token`. */
  readonly realm: string
  readonly service: string
  readonly issuer: string
  /** PEM of the CA that signs tokens: the registry's `rootcertbundle`. */
  readonly caCertificate: string
  /**
   * Revoke one credential (`{ username }`) or every credential of a repository
   * (`{ repository }`): the service issues no more tokens for them. Tokens already issued are
   * not recalled: registry:2 honours them until they expire, `tokenTtlSeconds` at most.
   * Returns how many credentials were revoked.
   *
   * @throws TypeError when `which` names neither, or both, or an invalid repository name
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
  const log = createLog(options.logLevel, options.logger)
  // Two services on one directory would each rewrite its credentials and forget the other's.
  return startWithDataDirectoryLock(options.dataDir, log, (lock) => serveTokens(options, log, lock))
}

// --- Internal ---

async function serveTokens(
  options: TokenServiceOptions,
  log: Log,
  lock: DataDirectoryLock | undefined,
): Promise<TokenService> {
  const guards = new ConnectionGuards(resolveRequestLimits(options))
  const auth = await AuthService.open(options)
  // Requests still being handled, which `close` waits for: a mint or a revocation must not write
  // the credentials once the data directory's lock is let go.
  const handling = new Set<Promise<void>>()
  const server = createServer(guards.serverOptions, (req, res) => {
    const recordFailure = traceRequest(log, req, res)
    const handled = guards
      .admit(req, res)
      // Parsed inside the chain: a target that is no URL is answered, not thrown out of the
      // listener. A request whose connection closed while it waited has no one to answer.
      .then((admitted) => !admitted || auth.handle(req, res, parseRequestTarget(req.url)))
      .then((answered) => {
        if (!answered) res.writeHead(404, { 'Content-Length': '0' }).end()
      })
      .catch((error: unknown) => {
        recordFailure(error)
        // The registry's error bodies (a 413 for a body over the limit, …); a failure of our own
        // is a bare 500 UNKNOWN (507 for a full disk), telling nothing of the machine it is on.
        sendError({ req, res }, error)
      })
    handling.add(handled)
    void handled.finally(() => handling.delete(handled))
  })
  answerClientErrors(server)
  guards.watch(server, false)
  const listening = await listen(server, options.host ?? '127.0.0.1', options.port ?? 0)
  const { url } = listening
  let closed: Promise<void> | undefined
  const close = (): Promise<void> => {
    closed ??= (async () => {
      guards.close()
      await listening.close()
      // Their connections are closed, so reading or sending a body fails and they end soon.
      await Promise.allSettled(handling)
      await lock?.release()
    })()
    return closed
  }
  const realm = `${url}${TOKEN_PATH}`
  const { service, issuer } = auth.identities.tokens
  return {
    url,
    realm,
    service,
    issuer,
    caCertificate: auth.keys.ca.pem,
    generateCredentials: (repository, permission, ttlSeconds) =>
      auth.mint(repository, permission, ttlSeconds),
    revokeCredentials: async (which) => auth.revoke(parseCredentialsToRevoke(which)),
    registryAuthConfig: (path) =>
      [
        'auth:',
        '  token:',
        `    realm: ${realm}`,
        `    service: ${service}`,
        `    issuer: ${issuer}`,
        `    rootcertbundle: ${path}`,
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
