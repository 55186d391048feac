import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { stopProcess } from './stop-process.js'
import { unusedPort } from './unused-port.js'

/** Options of {@link startDockerRegistry}. */
export interface DockerRegistryOptions {
  /** Auth in front of the registry; omitted → anonymous access. Set at most one mode. */
  auth?: {
    /** Basic auth. distribution 2.8.2 accepts only bcrypt entries (`htpasswd -B`). */
    htpasswd?: { contents: string; realm?: string }
    /**
     * Docker token auth: `registry:2` verifies JWTs signed by a key of `caCertificate`.
     * A token service's own handle fits as it is: `{ token: tokens }`.
     */
    token?: {
      /** URL of the token endpoint, sent in the `WWW-Authenticate` challenge. */
      realm: string
      /** `service` of the challenge and the JWT `aud` the registry expects. */
      service: string
      /** JWT `iss` the registry expects. */
      issuer: string
      /** PEM of the certificates whose keys may sign tokens (written to the registry's work directory). */
      caCertificate: string
    }
  }
  /**
   * The in-memory blob descriptor cache of Debian's config and the official image: a benchmark
   * wants these stock settings. Off by default, so tests see distribution's answers uncached.
   */
  blobDescriptorCache?: boolean
  /** @default "warn" */
  logLevel?: 'error' | 'warn' | 'info' | 'debug'
  /** Path of the binary. @default "docker-registry" (Debian's distribution 2.8.2) */
  binary?: string
  /** How long to wait for `GET /v2/` to answer. @default 15000 */
  startTimeoutMs?: number
}

/** A running `docker-registry` process on 127.0.0.1. */
export interface DockerRegistry extends AsyncDisposable {
  /** `http://127.0.0.1:PORT` */
  url: string
  port: number
  /** The process id, e.g. to read its CPU time from /proc. */
  pid: number
  /** The storage root (`storage.filesystem.rootdirectory`). */
  dataDir: string
  /** Stops the process and removes its temporary directory. */
  close(): Promise<void>
}

/**
 * A bcrypt htpasswd entry for tests, made once with `crypt(3)` at cost 4 (fast to verify).
 * distribution has no way to take a clear-text password, and Node has no bcrypt.
 */
export const HTPASSWD_FIXTURE: {
  username: string
  password: string
  line: string
} = {
  username: 'tester',
  password: 'correct-horse-battery',
  line: 'tester:$2b$04$29Waj0p8Vk4t0H8naScGM.UjkraNwBfQ8jKC0YmdNXgJee9rGJxF6',
}

/**
 * Starts Debian's `docker-registry` (CNCF distribution 2.8.2) with its own config: filesystem
 * storage in a temp dir, deletes enabled, bound to 127.0.0.1 on a free port (its default
 * config listens on all interfaces, which tests must never do).
 */
export async function startDockerRegistry(
  options: DockerRegistryOptions = {},
): Promise<DockerRegistry> {
  const workDir = await mkdtemp(join(tmpdir(), 'docker-registry-'))
  const dataDir = join(workDir, 'data')
  try {
    // Another test can still bind the port before the registry does: then try another.
    for (let attempt = 1; ; attempt++) {
      const port = await unusedPort()
      const configPath = join(workDir, 'config.yml')
      await writeFile(configPath, await configYaml(workDir, dataDir, port, options))
      const started = await spawnAndWait(options, configPath, port)
      if (started.ok) return handle(started.child, workDir, dataDir, port)
      if (!started.addressInUse || attempt >= 3) throw new Error(started.message)
    }
  } catch (error) {
    await rm(workDir, { recursive: true, force: true })
    throw error
  }
}

// --- internal ---

type StartResult =
  | { ok: true; child: ChildProcess }
  | { ok: false; addressInUse: boolean; message: string }

async function configYaml(
  workDir: string,
  dataDir: string,
  port: number,
  options: DockerRegistryOptions,
): Promise<string> {
  const lines = [
    'version: 0.1',
    'log:',
    `  level: ${options.logLevel ?? 'warn'}`,
    // One line per request; our server writes none, and tests read stderr only on failure.
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(dataDir)}`,
    '  delete:',
    '    enabled: true',
    ...(options.blobDescriptorCache ? ['  cache:', '    blobdescriptor: inmemory'] : []),
    // Purging would only add log noise and timing-dependent work in a short-lived process.
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    // A fixed secret keeps it from warning and signs upload `_state` deterministically per run.
    `  secret: ${randomBytes(16).toString('hex')}`,
  ]
  const { htpasswd, token } = options.auth ?? {}
  if (htpasswd && token) throw new TypeError('auth: set htpasswd or token, not both')
  if (htpasswd) {
    const path = join(workDir, 'htpasswd')
    await writeFile(
      path,
      htpasswd.contents.endsWith('\n') ? htpasswd.contents : `${htpasswd.contents}\n`,
    )
    lines.push(
      'auth:',
      '  htpasswd:',
      `    realm: ${JSON.stringify(htpasswd.realm ?? 'docker-registry')}`,
    )
    lines.push(`    path: ${JSON.stringify(path)}`)
  }
  if (token) {
    lines.push('auth:', '  token:')
    lines.push(`    realm: ${JSON.stringify(token.realm)}`)
    lines.push(`    service: ${JSON.stringify(token.service)}`)
    lines.push(`    issuer: ${JSON.stringify(token.issuer)}`)
    const bundle = join(workDir, 'token-ca.pem')
    await writeFile(bundle, token.caCertificate)
    lines.push(`    rootcertbundle: ${JSON.stringify(bundle)}`)
  }
  return `${lines.join('\n')}\n`
}

async function spawnAndWait(
  options: DockerRegistryOptions,
  configPath: string,
  port: number,
): Promise<StartResult> {
  const child = spawn(options.binary ?? 'docker-registry', ['serve', configPath], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8192)
  })
  let exited: string | undefined
  let spawnError: Error | undefined
  child.once('error', (error) => {
    spawnError = error
  })
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`
  })
  const deadline = Date.now() + (options.startTimeoutMs ?? 15_000)
  while (Date.now() < deadline) {
    if (spawnError) return { ok: false, addressInUse: false, message: failure(spawnError.message) }
    if (exited) {
      return {
        ok: false,
        addressInUse: /address already in use/.test(stderr),
        message: failure(exited),
      }
    }
    if (await answers(port)) return { ok: true, child }
    await delay(50)
  }
  await stopProcess(child)
  return { ok: false, addressInUse: false, message: failure('did not answer GET /v2/ in time') }

  function failure(what: string): string {
    return `docker-registry ${what} (config ${configPath})\n${stderr}`
  }
}

/** Any HTTP answer counts: with auth on, `/v2/` answers 401. */
async function answers(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/v2/`, { signal: AbortSignal.timeout(1000) })
    await res.body?.cancel()
    return true
  } catch {
    return false
  }
}

function handle(
  child: ChildProcess,
  workDir: string,
  dataDir: string,
  port: number,
): DockerRegistry {
  // If the test process exits without closing (a crash, a forgotten close), take the child along.
  const killOnExit = (): void => {
    child.kill('SIGKILL')
  }
  process.once('exit', killOnExit)
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      process.off('exit', killOnExit)
      await stopProcess(child)
      await rm(workDir, { recursive: true, force: true })
    })()
    return closing
  }
  const url = `http://127.0.0.1:${port}`
  return { url, port, pid: child.pid ?? 0, dataDir, close, [Symbol.asyncDispose]: close }
}
