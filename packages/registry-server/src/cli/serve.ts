import { readFile } from 'node:fs/promises'
import { bindsEveryInterface, unreachableRealmWarning } from '../public-url.js'
import { startLocalRegistry } from '../start-local-registry.js'
import { describeAdmin, keepAdmin, resolveAdmin, serverAdmin } from './admin.js'
import type { CommandFlags } from './flags.js'
import { untilStopped } from './until-stopped.js'

/** What a running `serve` tells its operator, once when it listens and once when it stops. */
export interface ServeReporter {
  /** The registry listens: its URL, data directory, admin line and token realm. */
  listening(started: {
    url: string
    dataDir: string
    /** The admin credential line: holds a password only when it was just generated. */
    admin: string
    /** The admin's username. */
    adminUser: string
    /** The admin's password when this start generated it (shown only now), else undefined. */
    generatedAdminPassword?: string
    tokenRealm: string
  }): void
  /** The registry stopped cleanly. */
  stopped(): void
  /**
   * Something the operator should fix, such as a token realm other machines cannot reach.
   * @default a line on stderr
   */
  warning?(message: string): void
}

/** The lines `artifact-registry-local serve` prints. */
const PRINT_LINES: ServeReporter = {
  listening({ url, dataDir, admin, tokenRealm }) {
    console.log(`artifact-registry-local listening on ${url}`)
    console.log(`data directory: ${dataDir}`)
    console.log(admin)
    console.log(`token realm: ${tokenRealm}`)
  },
  stopped() {
    console.log('artifact-registry-local stopped')
  },
  warning(message) {
    console.error(message)
  },
}

/**
 * Run the registry until SIGTERM/SIGINT, as `artifact-registry-local serve` does; `reporter`
 * says when it listens and when it stopped (by default, the command's lines on stdout).
 */
export async function serve(
  flags: CommandFlags,
  reporter: ServeReporter = PRINT_LINES,
): Promise<void> {
  // Listen first: a signal that comes before there is a listener kills the process outright.
  const stopped = untilStopped()
  const admin = await resolveAdmin(flags)
  const tls = flags.tls && {
    cert: await readFile(flags.tls.certFile),
    key: await readFile(flags.tls.keyFile),
  }
  const registry = await startLocalRegistry({
    ...(tls && { tls }),
    dataDir: flags.data,
    port: flags.port,
    host: flags.host,
    ...(flags.publicUrl !== undefined && { publicUrl: flags.publicUrl }),
    adminCredentials: serverAdmin(admin),
    logLevel: flags.logLevel,
    gcIntervalSeconds: flags.gcIntervalSeconds,
    ...(flags.hashThreads !== undefined && { hashThreads: flags.hashThreads }),
    ...(flags.maxRepositoryMetadataBytes !== undefined && {
      maxRepositoryMetadataBytes: flags.maxRepositoryMetadataBytes,
    }),
    ...(flags.maxConnections !== undefined && { maxConnections: flags.maxConnections }),
    ...(flags.tokenTtlSeconds !== undefined && {
      tokenService: { tokenTtlSeconds: flags.tokenTtlSeconds },
    }),
  })
  await keepAdmin(flags.data, admin, registry)
  reporter.listening({
    url: registry.url,
    dataDir: flags.data,
    admin: describeAdmin(flags.data, admin),
    adminUser: admin.username,
    ...(admin.origin === 'generated' && { generatedAdminPassword: admin.password }),
    tokenRealm: registry.tokenRealm,
  })
  if (flags.publicUrl === undefined && bindsEveryInterface(flags.host)) {
    const warning = unreachableRealmWarning(registry.tokenRealm)
    if (reporter.warning) reporter.warning(warning)
    else console.error(warning)
  }
  await stopped
  await registry.close()
  reporter.stopped()
}
