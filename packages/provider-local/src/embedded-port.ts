import { join } from 'node:path'
import {
  REMEMBERED_PORT_FILE,
  readRememberedPort,
  whyDataDirectoryUnusable,
} from '@artifact-registry/registry-server'
import writeFileAtomic from 'write-file-atomic'
import { platformError } from './map-error.js'

/**
 * The port the embedded registry of `dataDir` was last served on, or 0 (any free port) for a new
 * data directory. Reusing it keeps `registryEndpoint`, and every repository URI handed out
 * before, valid across restarts. A file that says nothing usable is an error, not a reason to
 * move: moving would break those URIs without a word.
 */
export async function rememberedPort(dataDir: string): Promise<number> {
  const remembered = await readRememberedPort(dataDir)
  if (remembered.state === 'none') return 0
  if (remembered.state === 'port') return remembered.port
  // A read that failed is the data directory's problem, typed where the start reports it.
  if (remembered.cause !== undefined) throw remembered.cause
  throw platformError(
    'INVALID_CONFIG',
    `${remembered.path} ${remembered.problem}. Delete it to take any free port, or pass port.`,
  )
}

/** Record the port the embedded registry of `dataDir` now serves on. */
export async function rememberPort(dataDir: string, port: number): Promise<void> {
  // Written whole or not at all: a torn file would stop the next start (see rememberedPort).
  await writeFileAtomic(join(dataDir, REMEMBERED_PORT_FILE), `${JSON.stringify({ port })}\n`)
}

/** The `listen` failures {@link cannotListen} turns into typed errors. */
const LISTEN_FAILURES: ReadonlySet<string> = new Set(['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL'])

/**
 * Whether `error` is one {@link cannotListen} made: the start got as far as listening, so it held
 * the data directory's lock and had laid out its files.
 */
export function failedToListen(error: unknown): boolean {
  const cause = (error as { cause?: unknown } | null)?.cause as NodeJS.ErrnoException | undefined
  return cause?.code !== undefined && LISTEN_FAILURES.has(cause.code)
}

/** A typed error for an address the registry cannot listen on, saying what to do about it. */
export function cannotListen(
  host: string,
  port: number,
  remembered: boolean,
  cause: unknown,
): unknown {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code
  if (code === 'EADDRINUSE') {
    const why = remembered
      ? `port ${port}, where this data directory's registry was served before (so that repository URIs stay valid), is in use`
      : `port ${port} is in use`
    return platformError(
      'UNAVAILABLE',
      `Cannot start the embedded registry: ${why}. Stop what holds it (another process on the same data directory?), or pass another port (URIs handed out before will then change).`,
      { cause, retryable: false },
    )
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return platformError(
      'INVALID_CONFIG',
      `Cannot start the embedded registry on ${host}:${port} (${code}): ${code === 'EACCES' ? 'ports below 1024 need privileges' : 'no interface has that address'}.`,
      { cause },
    )
  }
  return cause
}

/**
 * A typed error for a data directory the embedded registry cannot use (a file, or a place this
 * process may not write), naming `dataDir`; any other error is returned as it is.
 */
export function unusableDataDirectory(dataDir: string, error: unknown): unknown {
  const why = whyDataDirectoryUnusable(dataDir, error)
  if (why === undefined) return error
  const { code } = error as NodeJS.ErrnoException
  return platformError(
    'INVALID_CONFIG',
    `Cannot use the data directory ${dataDir} (${code}): ${why}. Give a directory this process can create or write.`,
    { cause: error, issues: [{ path: 'dataDir', message: why }] },
  )
}
