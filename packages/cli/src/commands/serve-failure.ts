import { ArtifactRegistryError } from '@artifact-registry/core'

/** What `serve` was asked for: where to listen, and the files it reads. */
export interface ServeTarget {
  data: string
  host: string
  port: number
  /** The port is the one the data directory recorded (no `--port` was given). */
  rememberedPort?: boolean | undefined
  adminPasswordFile?: string | undefined
  tlsCert?: string | undefined
  tlsKey?: string | undefined
}

type ServeFile = 'adminPasswordFile' | 'tlsCert' | 'tlsKey'

/**
 * The registry server's `serve` rejects with Node's own error for a port it cannot listen on or a
 * file it cannot read (its command exits 1 with the message). The CLI's other commands give these
 * a code, and so its exit status and `--json` error tell them apart: a port in use is
 * `UNAVAILABLE` (another process holds it; retrying later may work), an address that cannot be
 * used, a file that cannot be opened, or a `--data` directory that is a file or cannot be written,
 * is `INVALID_CONFIG` naming its flag. `unusableData` is the registry server's reason when the
 * error says `--data` cannot be used (`whyDataDirectoryUnusable`). Anything else (a directory
 * given as a file, whose error does not say which) is returned as it is.
 */
export function typedServeFailure(
  error: unknown,
  target: ServeTarget,
  unusableData: string | undefined,
): unknown {
  const { code, syscall, path } = (error ?? {}) as NodeJS.ErrnoException
  const address = `${target.host}:${target.port}`
  if (syscall === 'listen' && code === 'EADDRINUSE') {
    const remembered = target.rememberedPort
      ? ` (the port this data directory was served on before, which its repository URIs name)`
      : ''
    return new ArtifactRegistryError(
      'UNAVAILABLE',
      `Cannot serve on ${address}: the port is in use${remembered}. Stop what holds it, or pass another --port (0 picks a free one).`,
      { cause: error },
    )
  }
  const unknownHost = syscall === 'getaddrinfo' && (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
  if (unknownHost || (syscall === 'listen' && (code === 'EACCES' || code === 'EADDRNOTAVAIL'))) {
    const why =
      code === 'EACCES'
        ? 'ports below 1024 need privileges'
        : unknownHost
          ? 'the host name is unknown'
          : 'no interface has that address'
    return new ArtifactRegistryError(
      'INVALID_CONFIG',
      `Cannot serve on ${address} (${code}): ${why}`,
      {
        cause: error,
        issues: [{ path: code === 'EACCES' ? '--port' : '--host', message: why }],
      },
    )
  }
  const tls = tlsMaterialIssues(error)
  if (tls !== undefined) {
    return new ArtifactRegistryError(
      'INVALID_CONFIG',
      `Cannot serve HTTPS with --tls-cert ${target.tlsCert} and --tls-key ${target.tlsKey}: ${tls.problem}`,
      { cause: error, issues: tls.flags.map((flag) => ({ path: flag, message: tls.problem })) },
    )
  }
  const flag =
    path === undefined
      ? undefined
      : Object.entries(FLAGS).find(([field]) => target[field as ServeFile] === path)?.[1]
  if (flag !== undefined && code !== undefined) {
    return new ArtifactRegistryError(
      'INVALID_CONFIG',
      `Cannot read the ${flag} file ${path} (${code})`,
      {
        cause: error,
        issues: [{ path: flag, message: `cannot be read (${code})` }],
      },
    )
  }
  if (unusableData !== undefined) {
    return new ArtifactRegistryError(
      'INVALID_CONFIG',
      `Cannot use the --data directory ${target.data} (${code}): ${unusableData}`,
      { cause: error, issues: [{ path: '--data', message: unusableData }] },
    )
  }
  return error
}

/**
 * The registry server's refusal of its TLS material (a `TypeError` with code
 * `ERR_REGISTRY_TLS_MATERIAL`, the `field` at fault and the `problem`): what is wrong, and the
 * flags to name.
 */
function tlsMaterialIssues(error: unknown): { problem: string; flags: string[] } | undefined {
  const { code, field, problem } = (error ?? {}) as {
    code?: unknown
    field?: unknown
    problem?: unknown
  }
  if (code !== 'ERR_REGISTRY_TLS_MATERIAL' || typeof problem !== 'string') return undefined
  const flags =
    field === 'cert'
      ? ['--tls-cert']
      : field === 'key'
        ? ['--tls-key']
        : ['--tls-cert', '--tls-key']
  return { problem, flags }
}

const FLAGS: Readonly<Record<ServeFile, string>> = {
  adminPasswordFile: '--admin-password-file',
  tlsCert: '--tls-cert',
  tlsKey: '--tls-key',
}
