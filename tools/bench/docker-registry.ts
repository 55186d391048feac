import { type ChildProcess, spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import type { AuthMode } from './auth.ts'
import { freePort } from './processes.ts'

/** A `docker-registry` process listening on 127.0.0.1. */
export interface DockerRegistryProcess {
  child: ChildProcess
  port: number
}

/**
 * Starts Debian's `docker-registry` (distribution 2.8.2) on `dataDir` with a config of our own:
 * its default config listens on every interface. We do not reuse the launcher of the
 * registry-server tests because a benchmark needs registry:2's stock performance settings
 * (the in-memory blob descriptor cache) and no logging per request, like our server.
 */
export async function startDockerRegistry(
  workDir: string,
  auth: AuthMode,
): Promise<DockerRegistryProcess> {
  // Another process can take a free port before the registry binds it: try a few.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const configPath = join(workDir, 'config.yml')
    await writeFile(configPath, await configYaml(workDir, port, auth))
    const child = spawn('docker-registry', ['serve', configPath], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    const outcome = await waitUntilListening(child, port)
    if (outcome === 'ok') return { child, port }
    if (!outcome.includes('address already in use') || attempt >= 3) {
      throw new Error(`docker-registry did not start (config ${configPath}):\n${outcome}`)
    }
  }
}

// --- internal ---

async function configYaml(workDir: string, port: number, auth: AuthMode): Promise<string> {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    // The access log is one line per request; our server writes none, so neither does this one.
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(join(workDir, 'data'))}`,
    '  delete:',
    '    enabled: true',
    // As in Debian's /etc/docker/registry/config.yml and the registry:2 image.
    '  cache:',
    '    blobdescriptor: inmemory',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    // Without a secret it generates one and warns; a fixed one per run is equivalent.
    `  secret: bench-${port}`,
  ]
  if (auth.htpasswd !== undefined) {
    const path = join(workDir, 'htpasswd')
    await writeFile(path, `${auth.htpasswd}\n`)
    lines.push('auth:', '  htpasswd:', '    realm: bench', `    path: ${JSON.stringify(path)}`)
  }
  return `${lines.join('\n')}\n`
}

/** `'ok'` once `GET /v2/` answers (401 counts), else the reason it never will. */
async function waitUntilListening(child: ChildProcess, port: number): Promise<string> {
  let stderr = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8192)
  })
  let ended: string | undefined
  child.once('error', (error) => {
    ended = error.message
  })
  child.once('exit', (code, signal) => {
    ended = `exited with ${signal ?? code}`
  })
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    if (ended !== undefined) return `${ended}\n${stderr}`
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v2/`, { signal: AbortSignal.timeout(1000) })
      await res.body?.cancel()
      return 'ok'
    } catch {
      await delay(50)
    }
  }
  child.kill('SIGKILL')
  return `did not answer GET /v2/ within 15 s\n${stderr}`
}
