import { parseArgs } from 'node:util'
import { MAX_HASH_THREADS } from '../hashing/hash-threads.js'
import { LOG_LEVELS, type LogLevel } from '../log.js'
import { checkPublicUrl } from '../public-url.js'
import { MAX_TOKEN_TTL_SECONDS } from '../token-service/auth-service.js'
import { UsageError } from './usage.js'

/** The commands the CLI runs. */
export type Command = 'serve' | 'token-service'

/** Options of `serve` and `token-service`, checked. */
export interface CommandFlags {
  data: string
  port: number
  host: string
  /** The address clients reach the server at (`--public-url`), for its token realm. */
  publicUrl?: string | undefined
  /** Given with `--admin-user`; otherwise the stored admin's, or `admin`. */
  adminUser: string | undefined
  /** Given with `--admin-password`. */
  adminPassword: string | undefined
  /** Given with `--admin-password-file`. */
  adminPasswordFile: string | undefined
  /** PEM files to serve HTTPS with (serve only). */
  tls: { certFile: string; keyFile: string } | undefined
  logLevel: LogLevel
  /** Seconds between garbage collections; 0: none (serve only). */
  gcIntervalSeconds: number
  /** Threads that hash uploads, 0 = the main thread; omitted: the server's default (serve only). */
  hashThreads?: number | undefined
  /** The most metadata one repository may hold, in bytes; omitted: the server's default (serve only). */
  maxRepositoryMetadataBytes?: number | undefined
  /** Connections open at once; omitted: the server's default. */
  maxConnections?: number | undefined
  /** Lifetime of the tokens the server issues, in seconds; omitted: the server's default. */
  tokenTtlSeconds?: number | undefined
}

/** What a command line asks for. */
export type Invocation =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'run'; command: Command; flags: CommandFlags }

const COMMANDS: readonly string[] = ['serve', 'token-service']

/**
 * Read the command line.
 * @throws UsageError naming what is wrong: an unknown command or flag, a missing or bad value
 */
export function parseCommandLine(argv: readonly string[]): Invocation {
  const { values, positionals } = parse(argv)
  if (values.help) return { kind: 'help' }
  if (values.version) return { kind: 'version' }
  const [command, ...extra] = positionals
  if (command === undefined) throw new UsageError('a command is required: serve or token-service')
  if (!COMMANDS.includes(command)) throw new UsageError(`unknown command "${command}"`)
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`)
  if (values.data === undefined) throw new UsageError('--data is required')
  if (values.data === '') throw new UsageError('--data must name a directory')
  const port = Number(values.port ?? (command === 'serve' ? 5000 : 5001))
  if (values.port === '' || !Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`--port must be a port number (0-65535), got "${values.port}"`)
  const gcIntervalSeconds = gcInterval(command as Command, values['gc-interval'])
  const logLevel = values['log-level'] ?? 'error'
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`)
  return {
    kind: 'run',
    command: command as Command,
    flags: {
      data: values.data,
      port,
      host: values.host ?? '127.0.0.1',
      publicUrl: publicUrl(values['public-url']),
      ...adminFlags(values),
      tls: tlsFlags(command as Command, values['tls-cert'], values['tls-key']),
      logLevel: logLevel as LogLevel,
      gcIntervalSeconds,
      hashThreads: hashThreads(command as Command, values['hash-threads']),
      maxRepositoryMetadataBytes: repositoryMetadataBytes(
        command as Command,
        values['max-repository-metadata-bytes'],
      ),
      maxConnections: connectionCap(values['max-connections']),
      tokenTtlSeconds: tokenTtl(values['token-ttl']),
    },
  }
}

// --- Internal ---

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        data: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'public-url': { type: 'string' },
        'admin-user': { type: 'string' },
        'admin-password': { type: 'string' },
        'admin-password-file': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'log-level': { type: 'string' },
        'gc-interval': { type: 'string' },
        'hash-threads': { type: 'string' },
        'max-repository-metadata-bytes': { type: 'string' },
        'max-connections': { type: 'string' },
        'token-ttl': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    })
  } catch (error) {
    const { code, message } = error as { code?: string; message: string }
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      // Node's message goes on about positionals; the flag's name is what helps.
      const flag = message.match(/'([^']+)'/)?.[1] ?? message
      throw new UsageError(`unknown flag ${flag}`)
    }
    if (code?.startsWith('ERR_PARSE_ARGS_')) throw new UsageError(message)
    throw error
  }
}

function adminFlags(
  values: Record<string, string | boolean | undefined>,
): Pick<CommandFlags, 'adminUser' | 'adminPassword' | 'adminPasswordFile'> {
  const adminUser = values['admin-user'] as string | undefined
  const adminPassword = values['admin-password'] as string | undefined
  const adminPasswordFile = values['admin-password-file'] as string | undefined
  if (adminUser === '') throw new UsageError('--admin-user must not be empty')
  // Refused before the data directory is touched (the registry would refuse it only then).
  if (adminUser?.includes(':') === true)
    throw new UsageError(
      '--admin-user must not contain a colon (Basic auth ends the username there)',
    )
  if (adminPassword !== undefined && adminPasswordFile !== undefined)
    throw new UsageError('--admin-password and --admin-password-file conflict: give one')
  if (adminPassword === '') throw new UsageError('--admin-password must not be empty')
  if (adminPasswordFile === '') throw new UsageError('--admin-password-file must name a file')
  return { adminUser, adminPassword, adminPasswordFile }
}

// Checked here, so a bad one is a usage error before the data directory is touched.
function publicUrl(value: string | undefined): string | undefined {
  try {
    return checkPublicUrl(value, '--public-url')
  } catch {
    throw new UsageError(
      `--public-url must be an http(s) URL of scheme, host and port only (https://registry.example.com), got "${value}"`,
    )
  }
}

// Whole seconds, as an operator writes them; the same ceiling as the option (a Node timer's).
function gcInterval(command: Command, value: string | undefined): number {
  if (value === undefined) return 3600
  if (command !== 'serve') throw new UsageError('--gc-interval is for serve only')
  const seconds = Number(value)
  if (!/^\d+$/.test(value) || seconds > 2_147_483)
    throw new UsageError(
      `--gc-interval must be a number of seconds from 0 to 2147483, got "${value}"`,
    )
  return seconds
}

// A count an operator writes: digits only, so "1.5", "0x2" or "" are refused, not rounded.
function hashThreads(command: Command, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (command !== 'serve') throw new UsageError('--hash-threads is for serve only')
  const threads = Number(value)
  if (!/^\d+$/.test(value) || threads > MAX_HASH_THREADS)
    throw new UsageError(
      `--hash-threads must be a whole number from 0 to ${MAX_HASH_THREADS}, got "${value}"`,
    )
  return threads
}

// Bytes as digits, at least 1: "16MiB", "1e6" or "0" are refused rather than guessed at.
function repositoryMetadataBytes(command: Command, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const flag = '--max-repository-metadata-bytes'
  if (command !== 'serve') throw new UsageError(`${flag} is for serve only`)
  const bytes = Number(value)
  if (!/^\d+$/.test(value) || bytes < 1 || !Number.isSafeInteger(bytes))
    throw new UsageError(`${flag} must be a whole number of bytes, at least 1, got "${value}"`)
  return bytes
}

// A count as digits, at least 1, as the option takes it.
function connectionCap(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const connections = Number(value)
  if (!/^\d+$/.test(value) || connections < 1 || !Number.isSafeInteger(connections))
    throw new UsageError(`--max-connections must be a whole number, at least 1, got "${value}"`)
  return connections
}

// Whole seconds within what the token service takes, refused here before the directory is touched.
function tokenTtl(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const seconds = Number(value)
  if (!/^\d+$/.test(value) || seconds < 1 || seconds > MAX_TOKEN_TTL_SECONDS)
    throw new UsageError(
      `--token-ttl must be a whole number of seconds from 1 to ${MAX_TOKEN_TTL_SECONDS}, got "${value}"`,
    )
  return seconds
}

function tlsFlags(
  command: Command,
  certFile: string | undefined,
  keyFile: string | undefined,
): CommandFlags['tls'] {
  if (certFile === undefined && keyFile === undefined) return undefined
  if (!certFile || !keyFile || command !== 'serve')
    throw new UsageError('--tls-cert and --tls-key go together, name files, and only with serve')
  return { certFile, keyFile }
}
