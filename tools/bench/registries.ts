import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type AuthMode, basicHeader } from './auth.ts'
import { startDockerRegistry } from './docker-registry.ts'
import { stopProcess, track } from './processes.ts'

/** Which implementation a server is. */
export type ServerName = 'ours' | 'registry:2'

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
   * `blob-scenarios.ts` for why). Neither server reads that blob again.
   */
  dropBlob(digest: string): Promise<void>
  /** Stops the process and deletes its data directory. */
  close(): Promise<void>
}

/** Where a server keeps a committed blob, from its data directory and the digest's hex. */
type BlobFile = (dataDir: string, hex: string) => string

/** The built CLI: the benchmark runs the same binary users run. */
const CLI = fileURLToPath(new URL('../../packages/registry-server/dist/cli.js', import.meta.url))
const ANONYMOUS = fileURLToPath(new URL('./serve-anonymous.ts', import.meta.url))

/**
 * Starts our server and registry:2, each on a fresh data directory under the system temp dir
 * (the same disk for both), protected as `auth` says.
 */
export async function startServers(auth: AuthMode): Promise<Server[]> {
  const ours = await startOurs(auth)
  try {
    return [ours, await startRegistry2(auth)]
  } catch (error) {
    await ours.close()
    throw error
  }
}

// --- internal ---

async function startOurs(auth: AuthMode): Promise<Server> {
  const workDir = await mkdtemp(join(tmpdir(), 'bench-ours-'))
  const dataDir = join(workDir, 'data')
  const { credentials } = auth
  const args =
    credentials === undefined
      ? [ANONYMOUS, dataDir]
      : [
          CLI,
          ...['serve', '--data', dataDir, '--port', '0'],
          ...['--admin-user', credentials.username, '--admin-password', credentials.password],
        ]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  track(child)
  try {
    const url = await listeningUrl(child)
    return server('ours', url, child, workDir, auth, (data, hex) =>
      join(data, 'blobs', 'sha256', hex.slice(0, 2), hex),
    )
  } catch (error) {
    await stopProcess(child)
    await rm(workDir, { recursive: true, force: true })
    throw error
  }
}

async function startRegistry2(auth: AuthMode): Promise<Server> {
  const workDir = await mkdtemp(join(tmpdir(), 'bench-registry2-'))
  try {
    const { child, port } = await startDockerRegistry(workDir, auth)
    track(child)
    const url = `http://127.0.0.1:${port}`
    return server('registry:2', url, child, workDir, auth, (data, hex) =>
      join(data, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data'),
    )
  } catch (error) {
    await rm(workDir, { recursive: true, force: true })
    throw error
  }
}

function server(
  name: ServerName,
  url: string,
  child: ChildProcess,
  workDir: string,
  auth: AuthMode,
  blobFile: BlobFile,
): Server {
  const { credentials } = auth
  if (child.pid === undefined) throw new Error(`${name} has no pid`)
  return {
    name,
    url,
    host: new URL(url).host,
    pid: child.pid,
    authorization: basicHeader(credentials),
    skopeoDestArgs:
      credentials === undefined
        ? []
        : ['--dest-creds', `${credentials.username}:${credentials.password}`],
    dropBlob: async (digest) => {
      const hex = digest.replace(/^sha256:/, '')
      await rm(blobFile(join(workDir, 'data'), hex))
    },
    close: async () => {
      await stopProcess(child)
      await rm(workDir, { recursive: true, force: true })
    },
  }
}

/** Waits for the `listening on URL` line both of our entry points print. */
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
    child.once('exit', (code) => reject(new Error(`our server exited with ${code}:\n${output}`)))
  })
}
