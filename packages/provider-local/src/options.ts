import {
  type ArtifactRegistryError,
  type ConfigIssue,
  imageNameBudget,
  isValidPlatformName,
  type KnownOptions,
  MIN_ADAPTED_NAME_LENGTH,
  unknownOptionIssues,
} from '@artifact-registry/core'
import type { RegistryTlsOptions } from '@artifact-registry/registry-server'
import { platformError } from './map-error.js'
import { MAX_REPOSITORY_LENGTH } from './naming.js'

/** Options of `local()`. */
export interface LocalProviderOptions {
  /**
   * URL of a running registry: ours (`artifact-registry-local serve`), or a `registry:2` behind
   * our token service. Omitted → an embedded registry is started in this process.
   */
  url?: string
  /** Namespace of this binding: routable names are `{bindingName}/{name}`. @default "artifacts" */
  bindingName?: string
  /** Data directory of the embedded registry; omitted → in memory (gone on `close()`). */
  dataDir?: string
  /**
   * Port of the embedded registry. Default: with `dataDir`, the port it was served on before
   * (a free one the first time), so `registryEndpoint` and repository URIs survive a restart;
   * without, any free port.
   */
  port?: number
  /**
   * Interface the embedded registry binds; it is also the host of `registryEndpoint` and of
   * repository URIs, so give an address clients can reach. @default "127.0.0.1"
   */
  host?: string
  /**
   * Serve the embedded registry over HTTPS with this certificate, for clients set up to
   * require TLS or reaching it from elsewhere (see `host`); `registryEndpoint` is then an `https://` URL. The provider trusts the
   * certificate itself when it is self-signed. Not with `url`.
   */
  tls?: RegistryTlsOptions
  /**
   * PEM of a CA to trust, on top of Node's default CAs, for the registry at `url` (or the
   * embedded one): for a certificate from a private CA. Certificate names are still checked.
   */
  caCertificate?: string
  /**
   * Admin credential of the registry at `url` (or of its token service). For the embedded
   * registry it is generated when omitted.
   */
  adminCredentials?: { username: string; password: string }
  /**
   * Where to mint credentials when `url` is a registry:2 behind our token service. Default: the
   * origin of the realm in the registry's Bearer challenge, else `url` itself (also when the realm
   * may not be sent the admin's credentials and `url` is our registry, which mints itself).
   */
  tokenServiceUrl?: string
  /**
   * How often the embedded registry deletes the blobs no manifest references (what deleted
   * repositories leave behind), in seconds; 0: only on `collectGarbage()`. @default 3600
   */
  gcIntervalSeconds?: number
  /**
   * Blobs younger than this are never collected, so a push whose manifest is still to come is
   * safe; embedded registry only. @default 3600
   */
  gcGracePeriodSeconds?: number
}

/** @internal Options after validation, with the default binding name. */
export interface ResolvedOptions extends LocalProviderOptions {
  readonly bindingName: string
}

/**
 * @internal Validate the options of `local()`, reporting every invalid one by path.
 * @throws ArtifactRegistryError `INVALID_CONFIG` with `issues`.
 */
export function resolveOptions(options: LocalProviderOptions | undefined): ResolvedOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw invalidOptions([{ path: '', message: 'must be an object' }])
  }
  const o = options ?? {}
  const issues = [
    ...optionIssues(o),
    ...unknownOptionIssues(o, KNOWN_OPTIONS, 'local()'),
    ...nestedUnknownIssues(o),
  ]
  if (issues.length > 0) throw invalidOptions(issues)
  return { ...o, bindingName: o.bindingName ?? 'artifacts' }
}

// --- Internal ---

/**
 * Every option `local()` reads: a misspelt one is refused, never ignored, or a misspelt
 * `bindingName` would put the binding in the default namespace and a misspelt `adminCredentials`
 * would talk to the registry without them. The compiler checks the list against
 * {@link LocalProviderOptions}, so an added option cannot be left out.
 */
const KNOWN_OPTIONS = {
  url: true,
  bindingName: true,
  dataDir: true,
  port: true,
  host: true,
  tls: true,
  caCertificate: true,
  adminCredentials: true,
  tokenServiceUrl: true,
  gcIntervalSeconds: true,
  gcGracePeriodSeconds: true,
} as const satisfies KnownOptions<LocalProviderOptions>

/** Every field of `tls`: a certificate setting it does not know must be refused, not ignored. */
const KNOWN_TLS = { cert: true, key: true } as const satisfies KnownOptions<RegistryTlsOptions>

/** Every field of `adminCredentials`. */
const KNOWN_ADMIN_CREDENTIALS = {
  username: true,
  password: true,
} as const satisfies KnownOptions<NonNullable<LocalProviderOptions['adminCredentials']>>

/**
 * Unknown fields of the options that are objects (`tls`, `adminCredentials`), by path
 * (`tls.ca`), as for the options themselves. Fields that are no object are `optionIssues`'.
 */
function nestedUnknownIssues(o: LocalProviderOptions): ConfigIssue[] {
  return [
    ...unknownOptionIssues(o.tls ?? {}, KNOWN_TLS, 'tls', 'tls'),
    ...unknownOptionIssues(
      o.adminCredentials ?? {},
      KNOWN_ADMIN_CREDENTIALS,
      'adminCredentials',
      'adminCredentials',
    ),
  ]
}

/** Settings of the server `local()` starts; a registry at `url` has its own, where it runs. */
const EMBEDDED_ONLY = [
  'tls',
  'port',
  'host',
  'dataDir',
  'gcIntervalSeconds',
  'gcGracePeriodSeconds',
] as const

function optionIssues(o: LocalProviderOptions): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  const add = (path: string, message: string): number => issues.push({ path, message })
  if (o.url !== undefined) {
    const problem = urlProblem(o.url)
    if (problem !== undefined) add('url', problem)
    for (const field of EMBEDDED_ONLY) {
      if (o[field] !== undefined) {
        add(
          field,
          'is for the embedded registry only; the registry at url is configured where it runs',
        )
      }
    }
  }
  const name = o.bindingName
  const longest = longestBindingName(o)
  if (
    name !== undefined &&
    !(typeof name === 'string' && isValidPlatformName('oci', name, { maxLength: longest }))
  ) {
    add(
      'bindingName',
      `must be a lowercase OCI repository path of at most ${longest} characters, such as "artifacts"`,
    )
  }
  const port = o.port
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
    add('port', 'must be an integer from 0 to 65535')
  }
  for (const field of ['gcIntervalSeconds', 'gcGracePeriodSeconds'] as const) {
    const seconds = o[field]
    if (
      seconds !== undefined &&
      !(Number.isFinite(seconds) && seconds >= 0 && seconds <= 2_147_483)
    )
      add(field, 'must be a number of seconds from 0 to 2147483')
  }
  for (const field of ['dataDir', 'host', 'caCertificate'] as const) {
    if (o[field] !== undefined && !isText(o[field])) add(field, 'must be a non-empty string')
  }
  if (o.tokenServiceUrl !== undefined && urlProblem(o.tokenServiceUrl) !== undefined) {
    add('tokenServiceUrl', 'must be an http(s) URL without credentials')
  }
  const admin = o.adminCredentials
  if (admin !== undefined && !(isText(admin?.username) && isText(admin?.password))) {
    add('adminCredentials', 'must be { username, password }, both non-empty strings')
  } else if (admin?.username.includes(':') === true) {
    // Basic auth ends the username at its first colon: every admin call would be refused (401).
    add('adminCredentials', 'username must not contain a colon (Basic auth cannot carry it)')
  }
  if (o.tls !== undefined && !(isPem(o.tls?.cert) && isPem(o.tls?.key))) {
    add('tls', 'must be { cert, key } in PEM')
  }
  return issues
}

/**
 * Why a value is not the address of a registry, or `undefined` when it is one. A value that is no
 * http(s) URL would otherwise fail at the first call, far from the setting that caused it. Calls
 * go to `{url}/v2/…`, so a path (a trailing `/` aside), query or fragment is refused too: with
 * `/v2` the calls reached `/v2/v2/…`, where the registry read a repository `v2/{bindingName}/…`
 * outside the binding, and `createRepository` made one there.
 */
/**
 * The longest `bindingName` that leaves room for any adapted name: the whole routable name stays
 * within 255 characters and, with the registry's `host:port` before it, within Docker's 255 for
 * an image name. The embedded registry's port is not known yet: the longest is assumed.
 */
function longestBindingName(o: LocalProviderOptions): number {
  let host: string
  if (o.url !== undefined && urlProblem(o.url) === undefined) host = new URL(o.url).host
  else {
    const name = typeof o.host === 'string' ? o.host : '127.0.0.1'
    // An IPv6 address is bracketed in an image name, as in a URL.
    host = `${name.includes(':') ? `[${name}]` : name}:65535`
  }
  return routableNameBudget(host) - 1 - MIN_ADAPTED_NAME_LENGTH
}

/**
 * @internal The longest routable name served at `host` (`host:port`): 255, or what Docker's
 * limit on a whole image name leaves beside the host.
 */
export function routableNameBudget(host: string): number {
  return imageNameBudget(host, MAX_REPOSITORY_LENGTH)
}

function urlProblem(url: unknown): string | undefined {
  let parsed: URL | undefined
  try {
    parsed = new URL(String(url))
  } catch {
    parsed = undefined
  }
  const usable =
    typeof url === 'string' &&
    parsed !== undefined &&
    (parsed.protocol === 'http:' || parsed.protocol === 'https:') &&
    parsed.hostname !== '' &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.pathname.replace(/\/+$/, '') === '' &&
    parsed.search === '' &&
    parsed.hash === '' &&
    !/[?#]/.test(String(url))
  if (usable) return undefined
  return `${JSON.stringify(withoutSecrets(String(url)))} is not the address of a registry: give http://host:port or https://host:port (credentials go in adminCredentials)`
}

/**
 * The text as it may be shown: a query or fragment (a token there is as secret as a password)
 * masked, then the userinfo before the host (see {@link withoutUserinfo}). The query goes first,
 * so an `@` in it is not taken for the end of a userinfo.
 */
function withoutSecrets(text: string): string {
  const query = text.search(/[?#]/)
  if (query < 0) return withoutUserinfo(text)
  return `${withoutUserinfo(text.slice(0, query))}${text[query]}***`
}

/**
 * The text with everything up to its last `@` masked: a password in a URL is a secret, and the
 * message shows where it was, not what it is. Worked out on the text itself, since a URL that
 * does not parse, or whose parsed password is percent-encoded, would still show it otherwise.
 */
function withoutUserinfo(text: string): string {
  const at = text.lastIndexOf('@')
  if (at < 0) return text
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? ''
  return `${scheme}***${text.slice(at)}`
}

/** @internal Whether `value` is a string with something besides white space. */
export function isText(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== ''
}

function isPem(value: unknown): boolean {
  return isText(value) || (Buffer.isBuffer(value) && value.length > 0)
}

/** @internal `INVALID_CONFIG` listing every issue by path, with the issues in `issues`. */
export function invalidOptions(issues: readonly ConfigIssue[]): ArtifactRegistryError {
  const list = issues.map((i) => `${i.path || '(options)'} ${i.message}`).join('; ')
  return platformError('INVALID_CONFIG', `Invalid options: ${list}`, { issues })
}
