import { ArtifactRegistryError } from '@artifact-registry/core/errors'
import { type AdminCredentials, KNOWN_ADMIN_CREDENTIALS } from './auth/admin-account.js'
import type { Authorizer } from './auth/authorizer.js'
import { defaultHashThreads, MAX_HASH_THREADS } from './hashing/hash-threads.js'
import type { LogLevel, LogSink } from './log.js'
import { PLATFORM } from './platform.js'
import { checkPublicUrl } from './public-url.js'
import {
  MAX_TIMER_SECONDS,
  type RequestLimitOptions,
  type RequestLimits,
  resolveRequestLimits,
} from './request-limits.js'
import { DEFAULT_MAX_REPOSITORY_METADATA_BYTES } from './storage/metadata-budget.js'
import { checkTlsMaterial } from './tls-material.js'
import { refuseUnknownOptions } from './unknown-options.js'

/** A certificate and key to serve HTTPS with, in PEM. */
export interface RegistryTlsOptions {
  /** The server certificate, then any intermediates. Its names must cover the host clients use. */
  cert: string | Buffer
  /** The certificate's private key. */
  key: string | Buffer
}

/** Options of `startLocalRegistry` (with the timeouts and upload caps of {@link RequestLimitOptions}). */
export interface LocalRegistryOptions extends RequestLimitOptions {
  /**
   * Directory of the filesystem store; omitted → an in-memory store (tests, throwaway use). One
   * directory serves one registry: a second one on it, in this process or another, is refused.
   */
  dataDir?: string
  /** Interface to bind. @default "127.0.0.1" */
  host?: string
  /** Port to bind; 0 picks a free one. @default 0 */
  port?: number
  /**
   * The address clients reach this registry at, when it is not the one it listens on: listening
   * on every interface (`host: '0.0.0.0'`), behind a port mapping or a proxy. The token realm of
   * its 401 challenges is `{publicUrl}/token`; made of the listening address instead, it would
   * send clients on other machines to `0.0.0.0`. An http(s) origin, such as
   * `https://registry.example.com`, whose host is not `0.0.0.0` or `[::]`. @default the listening
   * URL
   */
  publicUrl?: string
  /**
   * Serve HTTPS with this certificate instead of plain HTTP. Clients outside this machine need
   * it: Docker, skopeo and podman accept plain HTTP only from loopback addresses by default.
   */
  tls?: RegistryTlsOptions
  /**
   * Largest manifest accepted, in bytes; larger → 413, refused by its Content-Length before it is
   * read, or as soon as that many bytes arrived. @default 4 MiB (as distribution)
   */
  maxManifestBytes?: number
  /** Unfinished uploads older than this are purged. @default 86400 (24 h) */
  uploadExpirySeconds?: number
  /**
   * Blobs younger than this are never garbage-collected, so a push whose layers are uploaded
   * but whose manifest is not yet written is safe. @default 3600
   */
  gcGracePeriodSeconds?: number
  /**
   * Collect garbage (blobs no manifest references, older than the grace period) every this many
   * seconds, counted from the end of the previous collection; 0 turns it off, leaving
   * `collectGarbage()` and `POST /_artifact-registry/gc`. At most 2147483 (a Node timer's
   * limit). @default 3600
   */
  gcIntervalSeconds?: number
  /**
   * The static admin credential (Basic): a password, or only its hash from `hashAdminPassword`.
   * Setting it turns auth on: every request then needs the admin, a credential minted by
   * `generateCredentials`, or a token from the `/token` realm. Only leaving it out turns auth
   * off: any value that is not an object (`null`, `''`) is a `TypeError`.
   */
  adminCredentials?: AdminCredentials
  /** Token settings, when auth is on. */
  tokenService?: {
    /** Token audience. @default "artifact-registry" */
    service?: string
    /** Token issuer. @default "artifact-registry-token-service" */
    issuer?: string
    /** Token lifetime, never beyond the credential's expiry. @default 300 */
    tokenTtlSeconds?: number
  }
  /**
   * Decides every request. Omitted with no `adminCredentials`: development mode, anonymous
   * access to everything (only sensible on a loopback address). Asked a second time, with the
   * same input, once a manifest `PUT` or a blob upload's commit has its body and before it
   * writes (outside every lock): a refusal then writes nothing, so a credential revoked while
   * its request was sending cannot commit.
   */
  authorize?: Authorizer
  /**
   * What to log: `error` logs failed requests (5xx) with their cause and failures of background
   * maintenance; `info` also one line per request (method, path without the query, status,
   * duration); `debug` more per request; `silent` nothing. Never headers, bodies or secrets.
   * @default "error"
   */
  logLevel?: LogLevel
  /** Where log events go. @default one JSON line per event on stderr */
  logger?: LogSink
  /**
   * Where uploads are hashed (an integer from 0 to 8): 0 hashes each write on the main thread as
   * it reaches storage; N ≥ 1 hashes on a pool of N worker threads, which read each write back
   * from the upload's file, so the main thread only receives and writes (pushes are faster while
   * a core is free, for about 8 MB more memory). A registry without `dataDir` always hashes on
   * the main thread. Either way the digest is checked before the blob becomes visible.
   * @default 1 on a machine with more than one core, else 0
   * @throws ArtifactRegistryError `INVALID_CONFIG` for anything but an integer from 0 to 8
   */
  hashThreads?: number
  /**
   * The most entries one page of `GET /v2/_catalog` or `tags/list` holds, however many `n` asks
   * for (as distribution's `catalog.maxentries` caps the catalog): the rest follow through the
   * page's `Link`, which clients must follow. A whole number of at least 1. @default no limit
   */
  maxPageEntries?: number
  /**
   * The most metadata one repository may hold, in bytes of the JSON its record is written as: its
   * tags, its manifests' records (media type, size, references, annotations of up to 16 KiB) and
   * its blob links. It is held in memory, at several times that size. A manifest `PUT`, a blob
   * upload's commit or a mount that would take a repository past it is refused with 403 `DENIED`
   * naming the limit; deletes always go through. A whole number of at least 1. @default 16 MiB
   */
  maxRepositoryMetadataBytes?: number
}

/** @internal Options with defaults applied. */
export interface ResolvedRegistryOptions {
  dataDir: string | undefined
  host: string
  port: number
  publicUrl: string | undefined
  tls: RegistryTlsOptions | undefined
  maxManifestBytes: number
  uploadExpirySeconds: number
  gcGracePeriodSeconds: number
  limits: RequestLimits
  gcIntervalSeconds: number
  hashThreads: number
  /** `Infinity` when not limited. */
  maxPageEntries: number
  maxRepositoryMetadataBytes: number
}

/**
 * Every option `startLocalRegistry` reads. A `Record` over the options' keys, so an option added
 * to {@link LocalRegistryOptions} does not compile until it is listed here.
 */
const KNOWN_OPTIONS: Readonly<Record<keyof LocalRegistryOptions, true>> = {
  dataDir: true,
  host: true,
  port: true,
  publicUrl: true,
  tls: true,
  maxManifestBytes: true,
  uploadExpirySeconds: true,
  gcGracePeriodSeconds: true,
  gcIntervalSeconds: true,
  adminCredentials: true,
  tokenService: true,
  authorize: true,
  logLevel: true,
  logger: true,
  hashThreads: true,
  maxPageEntries: true,
  maxRepositoryMetadataBytes: true,
  maxConnections: true,
  headersTimeoutSeconds: true,
  bodyTimeoutSeconds: true,
  minBodyBytesPerSecond: true,
  sendTimeoutSeconds: true,
  maxUploadSessions: true,
  maxUploadSessionsPerCredential: true,
  maxConcurrentUploads: true,
  maxConcurrentUploadsPerCredential: true,
}

/** Every field of `tokenService` (a misspelt `tokenTtlSeconds` must not mean 5-minute tokens). */
const KNOWN_TOKEN_OPTIONS: Readonly<
  Record<keyof NonNullable<LocalRegistryOptions['tokenService']>, true>
> = { service: true, issuer: true, tokenTtlSeconds: true }

/** Every field of {@link RegistryTlsOptions}. */
const KNOWN_TLS_OPTIONS: Readonly<Record<keyof RegistryTlsOptions, true>> = {
  cert: true,
  key: true,
}

/**
 * @internal Apply defaults and validate (TypeError for misuse; `INVALID_CONFIG` for `hashThreads`).
 */
export function resolveRegistryOptions(options: LocalRegistryOptions): ResolvedRegistryOptions {
  // An option the server does not know is a mistake, never ignored: a misspelt
  // `adminCredentials` would otherwise start a registry that lets anyone in.
  refuseUnknownOptions(options, KNOWN_OPTIONS, 'startLocalRegistry')
  // The nested ones too: a certificate setting, or a token setting, it does not know would be
  // ignored as surely as a misspelt option.
  const { tokenService, tls, adminCredentials } = options
  if (tokenService !== undefined) {
    if (!isObject(tokenService))
      throw new TypeError('tokenService must be an object: { service, issuer, tokenTtlSeconds }')
    refuseUnknownOptions(tokenService, KNOWN_TOKEN_OPTIONS, 'startLocalRegistry tokenService')
  }
  // Only leaving it out means "no auth": a `null`, `''` or `false` given (an unset setting read
  // from a config file or the environment) would otherwise start a registry that lets anyone in.
  if (adminCredentials !== undefined && !isObject(adminCredentials))
    throw new TypeError(
      `adminCredentials must be { username, password } or { username, passwordHash }, not ${adminCredentials === null ? 'null' : typeof adminCredentials}; leave it out for a registry without auth`,
    )
  if (isObject(adminCredentials)) {
    refuseUnknownOptions(
      adminCredentials,
      KNOWN_ADMIN_CREDENTIALS,
      'startLocalRegistry adminCredentials',
    )
  }
  if (tls !== undefined && !isObject(tls)) throw new TypeError('tls needs both cert and key (PEM)')
  if (tls !== undefined) refuseUnknownOptions(tls, KNOWN_TLS_OPTIONS, 'startLocalRegistry tls')
  const positive = (value: number | undefined, fallback: number, field: string): number => {
    const v = value ?? fallback
    if (!Number.isFinite(v) || v < 0) throw new TypeError(`${field} must be a non-negative number`)
    return v
  }
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new TypeError('port must be 0-65535')
  if (tls !== undefined && !(hasContent(tls.cert) && hasContent(tls.key))) {
    throw new TypeError('tls needs both cert and key (PEM)')
  }
  // Before the data directory is touched, and naming the part that is wrong.
  if (tls !== undefined) checkTlsMaterial(tls)
  return {
    dataDir: options.dataDir,
    host: options.host ?? '127.0.0.1',
    port,
    publicUrl: checkPublicUrl(options.publicUrl, 'startLocalRegistry'),
    tls,
    maxManifestBytes: positive(options.maxManifestBytes, 4 * 1024 * 1024, 'maxManifestBytes'),
    uploadExpirySeconds: positive(options.uploadExpirySeconds, 86_400, 'uploadExpirySeconds'),
    gcGracePeriodSeconds: positive(options.gcGracePeriodSeconds, 3600, 'gcGracePeriodSeconds'),
    gcIntervalSeconds: timerSeconds(options.gcIntervalSeconds, 3600, 'gcIntervalSeconds'),
    limits: resolveRequestLimits(options),
    hashThreads: hashThreads(options.hashThreads),
    maxPageEntries: maxPageEntries(options.maxPageEntries),
    maxRepositoryMetadataBytes: wholeNumber(
      options.maxRepositoryMetadataBytes,
      DEFAULT_MAX_REPOSITORY_METADATA_BYTES,
      'maxRepositoryMetadataBytes',
    ),
  }
}

function wholeNumber(value: unknown, fallback: number, field: string): number {
  if (value === undefined) return fallback
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) return value
  throw new TypeError(`${field} must be a whole number of at least 1, got ${String(value)}`)
}

function maxPageEntries(value: unknown): number {
  return wholeNumber(value, Number.POSITIVE_INFINITY, 'maxPageEntries')
}

function hashThreads(value: unknown): number {
  if (value === undefined) return defaultHashThreads()
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= 0 &&
    value <= MAX_HASH_THREADS
  )
    return value
  const message = `must be an integer from 0 to ${MAX_HASH_THREADS}, got ${String(value)}`
  return invalid('hashThreads', message)
}

function invalid(path: string, message: string): never {
  throw new ArtifactRegistryError('INVALID_CONFIG', `Invalid options: ${path} ${message}`, {
    platform: PLATFORM,
    issues: [{ path, message }],
  })
}

function timerSeconds(value: number | undefined, fallback: number, field: string): number {
  const v = value ?? fallback
  if (!Number.isFinite(v) || v < 0 || v > MAX_TIMER_SECONDS)
    throw new TypeError(`${field} must be a number of seconds from 0 to ${MAX_TIMER_SECONDS}`)
  return v
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function hasContent(pem: string | Buffer | undefined): boolean {
  return pem !== undefined && pem.length > 0
}
