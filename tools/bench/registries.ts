import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startDockerRegistry, stopProcess } from '@artifact-registry/test-kit'
import { type AuthMode, basicHeader } from './auth.js'
import { track } from './processes.js'
import { REGISTRY_CLI } from './registry-cli.js'

/**
 * Which implementation a server is. `ours` runs with its defaults (one hashing thread on a
 * machine with more than one core); the second is the same server hashing uploads on its main
 * thread (`--hash-threads 0`), measured in the same run so both ratios are taken under the same
 * load. The C reference is a lean C server taking the same steps for a blob, as a gauge (see
 * `reference-server.c`); the Node discard server is another, for what receiving alone costs (see
 * `node-discard-server.ts`).
 */
export type ServerName = (typeof SERVER_NAMES)[number]

/** Our server with `hashThreads: 0`. */
export const OURS_MAIN_THREAD = 'ours, hashing on the main thread'

/** `reference-server.c`: a blob server taking our server's steps for a blob, and no others. */
export const REFERENCE = 'C reference'

/** `node-discard-server.ts`: Node's HTTP server reading upload bodies and keeping nothing. */
export const NODE_DISCARD = 'Node, bodies discarded'

/** Every server the benchmark may run, in the report's order. */
export const SERVER_NAMES = [
  'ours',
  OURS_MAIN_THREAD,
  'registry:2',
  REFERENCE,
  NODE_DISCARD,
] as const

/** A registry process under test, with what the clients need to reach it. */
export interface Server {
  name: ServerName
  /** `http://127.0.0.1:PORT` */
  url: string
  /** `127.0.0.1:PORT`, for skopeo's `docker://` references. */
  host: string
  pid: number
  /** The `Authorization` header the Node client sends; undefined without auth. */
  authorization: string | undefined
  /** skopeo flags that authenticate a push (`--dest-creds u:p`), empty without auth. */
  skopeoDestArgs: string[]
  /**
   * Deletes a blob's file behind the server's back, once a round no longer needs it (see
   * `blob-scenarios.ts` for why). Neither server reads that blob again. Nothing to do for a
   * server that keeps no blobs.
   */
  dropBlob(digest: string): Promise<void>
  /** Stops the process and deletes its data directory. */
  close(): Promise<void>
}

/** Where a server keeps a committed blob, from the digest's hex; undefined when it keeps none. */
type BlobFile = ((hex: string) => string) | undefined

/** Our server without auth; a sibling module, compiled with this one. */
const ANONYMOUS = fileURLToPath(new URL('./serve-anonymous.js', import.meta.url))

/**
 * Starts our server (and, with `mainThreadCopy`, a second one that hashes on its main thread)
 * and registry:2, each on a fresh data directory under the system temp dir (the same disk for
 * all), protected as `auth` says.
 */
export async function startServers(
  auth: AuthMode,
  { mainThreadCopy }: { mainThreadCopy: boolean },
): Promise<Server[]> {
  const started: Server[] = []
  try {
    started.push(await startOurs(auth, 'ours'))
    if (mainThreadCopy) started.push(await startOurs(auth, OURS_MAIN_THREAD))
    started.push(await startRegistry2(auth))
    return started
  } catch (error) {
    for (const server of started) await server.close()
    throw error
  }
}

// --- internal ---

async function startOurs(auth: AuthMode, name: 'ours' | typeof OURS_MAIN_THREAD): Promise<Server> {
  const workDir = await mkdtemp(join(tmpdir(), 'bench-ours-'))
  const dataDir = join(workDir, 'data')
  const { credentials } = auth
  const hashThreads = name === OURS_MAIN_THREAD ? ['--hash-threads', '0'] : []
  const args =
    credentials === undefined
      ? [ANONYMOUS, dataDir, ...hashThreads]
      : [
          // The built command: the benchmark runs the same code users run.
          REGISTRY_CLI,
          ...['serve', '--data', dataDir, '--port', '0', ...hashThreads],
          ...['--admin-user', credentials.username, '--admin-password', credentials.password],
        ]
  return spawnServer(name, process.execPath, args, workDir, auth, (hex) =>
    join(dataDir, 'blobs', 'sha256', hex.slice(0, 2), hex),
  )
}

/**
 * Spawns a server process that prints `listening on URL` once it listens, as the benchmark's
 * server: closing it stops the process and deletes `workDir`, its data directory with it.
 */
export async function spawnServer(
  name: ServerName,
  command: string,
  args: readonly string[],
  workDir: string,
  auth: AuthMode,
  blobFile: BlobFile,
): Promise<Server> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  track(child)
  const close = async (): Promise<void> => {
    await stopProcess(child)
    await rm(workDir, { recursive: true, force: true })
  }
  try {
    const url = await listeningUrl(child)
    if (child.pid === undefined) throw new Error(`${name}: the process has no pid`)
    return server(name, { url, pid: child.pid, close }, auth, blobFile)
  } catch (error) {
    await close()
    throw error
  }
}

/**
 * Starts `node-discard-server.ts` (compiled beside this module, or from the sources under a test
 * runner) with the Node that runs the benchmark. It ignores credentials, as the C reference does.
 */
export async function startNodeDiscard(auth: AuthMode): Promise<Server> {
  // Empty, as it stores nothing: a folder of its own only because closing a server deletes one.
  const workDir = await mkdtemp(join(tmpdir(), 'bench-node-discard-'))
  const script = import.meta.url.endsWith('.ts')
    ? 'node-discard-server.ts'
    : 'node-discard-server.js'
  const path = fileURLToPath(new URL(`./${script}`, import.meta.url))
  return spawnServer(NODE_DISCARD, process.execPath, [path], workDir, auth, undefined)
}

async function startRegistry2(auth: AuthMode): Promise<Server> {
  const registry = await startDockerRegistry({
    ...(auth.htpasswd !== undefined && {
      auth: { htpasswd: { contents: auth.htpasswd, realm: 'bench' } },
    }),
    // registry:2's stock performance settings, and no log line per request, like our server.
    blobDescriptorCache: true,
    logLevel: 'error',
  })
  const { dataDir } = registry
  return server('registry:2', registry, auth, (hex) =>
    join(dataDir, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data'),
  )
}

/** A started server process: where it listens, its pid, and how to stop it and delete its data. */
interface ServerProcess {
  url: string
  pid: number
  close(): Promise<void>
}

function server(
  name: ServerName,
  started: ServerProcess,
  auth: AuthMode,
  blobFile: BlobFile,
): Server {
  const { credentials } = auth
  return {
    name,
    url: started.url,
    host: new URL(started.url).host,
    pid: started.pid,
    authorization: basicHeader(credentials),
    skopeoDestArgs:
      credentials === undefined
        ? []
        : ['--dest-creds', `${credentials.username}:${credentials.password}`],
    dropBlob: async (digest) => {
      if (blobFile !== undefined) await rm(blobFile(digest.replace(/^sha256:/, '')))
    },
    close: () => started.close(),
  }
}

/** Waits for the `listening on URL` line our entry points and the C reference print. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = ''
    const collect = (chunk: Buffer): void => {
      output += chunk.toString()
      const match = output.match(/listening on (http:\/\/\S+)/)
      if (match?.[1] !== undefined) resolve(match[1])
    }
    child.stdout?.on('data', collect)
    child.stderr?.on('data', collect)
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}:\n${output}`)))
    child.once('error', reject)
  })
}
