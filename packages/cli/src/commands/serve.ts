import type { ServeFlags, ServeReporter } from '@artifact-registry/registry-server'
import { type Command, InvalidArgumentError, Option } from 'commander'
import type { CommandContext } from '../context.js'
import { UsageError } from '../failure.js'
import { portNumber } from '../option-values.js'
import { loadRegistryServer } from '../registry-server-module.js'
import type { Terminal } from '../terminal.js'
import { typedServeFailure } from './serve-failure.js'
import { DEFAULT_SERVE_PORT, servePort } from './serve-port.js'

/** The flags of `serve`, as commander parses them. */
interface ServeOptions {
  data: string
  /** Undefined without `--port`: the data directory's remembered port, else the default. */
  port?: number
  host: string
  publicUrl?: string
  adminUser?: string
  adminPasswordFile?: string
  tlsCert?: string
  tlsKey?: string
  logLevel: ServeFlags['logLevel']
  gcInterval: number
  hashThreads?: number
  maxRepositoryMetadataBytes?: number
  maxConnections?: number
  tokenTtl?: number
}

/**
 * `serve --data DIR …`: the registry server's own `serve` (from `@artifact-registry/registry-server`,
 * loaded only when this command runs), until SIGTERM or Ctrl-C.
 */
export function addServeCommand(program: Command, context: CommandContext): void {
  program
    .command('serve')
    .description('run the local OCI registry (@artifact-registry/registry-server) until stopped')
    .requiredOption(
      '--data <dir>',
      'data directory (created if missing); one process per directory',
    )
    .option(
      '--port <port>',
      `port to listen on; 0 picks a free one (default: the port an embedded registry served --data on, else ${DEFAULT_SERVE_PORT})`,
      portNumber,
    )
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option(
      '--public-url <url>',
      'the address clients reach the registry at (its token realm is URL/token); needed with --host 0.0.0.0, a port mapping or a proxy',
      publicUrl,
    )
    .option(
      '--admin-user <name>',
      'admin username (default admin, or the stored one)',
      adminUsername,
    )
    .option(
      '--admin-password-file <file>',
      'the admin password is the first line of this file (else ARTIFACT_REGISTRY_ADMIN_PASSWORD, the stored one, or a generated one)',
    )
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', "the certificate's PEM private key")
    .addOption(
      new Option('--log-level <level>', 'request logs, JSON lines on stderr')
        .choices(['silent', 'error', 'info', 'debug'])
        .default('error'),
    )
    .option(
      '--gc-interval <seconds>',
      'delete unreferenced blobs every this many seconds; 0 = never',
      gcInterval,
      3600,
    )
    .option(
      '--hash-threads <n>',
      'threads that hash uploads, 0-8 (0: on the main thread; default 1 with more than one core)',
      hashThreads,
    )
    .option(
      '--max-repository-metadata-bytes <bytes>',
      'the most metadata (tags, manifests, blob links, as JSON) one repository may hold; more is refused with 403 DENIED (default 16 MiB)',
      wholeBytes,
    )
    .option(
      '--max-connections <n>',
      'connections open at once; one more is closed unanswered (default 1024)',
      connectionCap,
    )
    .option(
      '--token-ttl <seconds>',
      'lifetime of the tokens the registry issues, 1-86400 (default 300)',
      tokenTtl,
    )
    .action(async (options: ServeOptions, command: Command) => {
      const { serveRegistry, whyDataDirectoryUnusable, readRememberedPort } =
        await loadRegistryServer()
      const { port, remembered } = await servePort(options.data, options.port, readRememberedPort)
      await serveRegistry(serveFlags(options, port), reporter(context.terminal(command))).catch(
        (error: unknown) => {
          const target = { ...options, port, rememberedPort: remembered }
          throw typedServeFailure(error, target, whyDataDirectoryUnusable(options.data, error))
        },
      )
    })
}

function serveFlags(options: ServeOptions, port: number): ServeFlags {
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
    throw new UsageError('--tls-cert and --tls-key go together')
  }
  return {
    data: options.data,
    port,
    host: options.host,
    publicUrl: options.publicUrl,
    adminUser: options.adminUser,
    adminPassword: undefined,
    adminPasswordFile: options.adminPasswordFile,
    tls:
      options.tlsCert === undefined || options.tlsKey === undefined
        ? undefined
        : { certFile: options.tlsCert, keyFile: options.tlsKey },
    logLevel: options.logLevel,
    gcIntervalSeconds: options.gcInterval,
    hashThreads: options.hashThreads,
    maxRepositoryMetadataBytes: options.maxRepositoryMetadataBytes,
    maxConnections: options.maxConnections,
    tokenTtlSeconds: options.tokenTtl,
  }
}

/** Human lines, or one JSON line when it listens and one when it stopped (`--json`). */
function reporter(terminal: Terminal): ServeReporter {
  const line = (value: unknown): void => {
    terminal.io.stdout.write(`${JSON.stringify(value)}\n`)
  }
  if (terminal.json) {
    return {
      listening: ({ url, dataDir, admin, adminUser, generatedAdminPassword, tokenRealm }) =>
        line({
          event: 'listening',
          url,
          dataDir,
          tokenRealm,
          admin,
          adminUser,
          adminPassword: generatedAdminPassword ?? null,
        }),
      stopped: () => line({ event: 'stopped' }),
      warning: (message) => terminal.io.stderr.write(`${message}\n`),
    }
  }
  return {
    listening: ({ url, dataDir, admin, tokenRealm }) => {
      terminal.io.stdout.write(
        `artifact-registry listening on ${url}\ndata directory: ${dataDir}\n${admin}\ntoken realm: ${tokenRealm}\n`,
      )
    },
    stopped: () => terminal.io.stdout.write('artifact-registry stopped\n'),
    warning: (message) => terminal.io.stderr.write(`${message}\n`),
  }
}

// Whole seconds up to a Node timer's ceiling, as the registry server's own flag takes them.
function gcInterval(value: string): number {
  const seconds = Number(value)
  if (!/^\d+$/.test(value) || seconds > 2_147_483) {
    throw new InvalidArgumentError('must be a number of seconds from 0 to 2147483')
  }
  return seconds
}

// Refused before the data directory is touched: Basic auth ends a username at its first colon,
// so the registry refuses such an admin (only once it has laid out the directory).
function adminUsername(value: string): string {
  if (value.includes(':'))
    throw new InvalidArgumentError('must not contain a colon (Basic auth ends the username there)')
  return value
}

// The registry server's own flag takes the same: an http(s) origin, as its routes are at the root.
function publicUrl(value: string): string {
  const url = parsedUrl(value)
  const originOnly =
    url !== null &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '' &&
    url.username === '' &&
    url.password === '' &&
    // Nor every interface (`0.0.0.0`, `0`, `[::]`, as parsing writes them): no other machine
    // reaches a realm there. Nor a quote, which would end the realm's string in the challenge.
    url.hostname !== '0.0.0.0' &&
    url.hostname !== '[::]' &&
    !url.hostname.includes('"') &&
    !/[?#]$/.test(value)
  if (!originOnly) {
    throw new InvalidArgumentError(
      'must be an http(s) URL of scheme, host and port only (https://registry.example.com)',
    )
  }
  return url.origin
}

// `URL.parse` would do, but needs Node 22.1, and `engines` allows 22.0.
function parsedUrl(value: string): URL | null {
  try {
    return new URL(value)
  } catch {
    return null
  }
}

// The registry server's own flag takes the same whole numbers.
function hashThreads(value: string): number {
  const threads = Number(value)
  if (!/^\d+$/.test(value) || threads > 8) {
    throw new InvalidArgumentError('must be a whole number from 0 to 8')
  }
  return threads
}

// The registry server's own flag takes the same: digits, at least 1 ("16MiB" or "1e6" refused).
function wholeBytes(value: string): number {
  const bytes = Number(value)
  if (!/^\d+$/.test(value) || bytes < 1 || !Number.isSafeInteger(bytes)) {
    throw new InvalidArgumentError('must be a whole number of bytes, at least 1')
  }
  return bytes
}

// The registry server's own flag takes the same: digits, at least 1.
function connectionCap(value: string): number {
  const connections = Number(value)
  if (!/^\d+$/.test(value) || connections < 1 || !Number.isSafeInteger(connections)) {
    throw new InvalidArgumentError('must be a whole number, at least 1')
  }
  return connections
}

// The registry server's own flag takes the same whole seconds.
function tokenTtl(value: string): number {
  const seconds = Number(value)
  if (!/^\d+$/.test(value) || seconds < 1 || seconds > 86_400) {
    throw new InvalidArgumentError('must be a whole number of seconds from 1 to 86400')
  }
  return seconds
}
