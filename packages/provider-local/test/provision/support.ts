import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type LocalRegistry, startLocalRegistry } from '@artifact-registry/registry-server'
import { basicAuth } from '@artifact-registry/test-kit'

/** A registry with auth on, on 127.0.0.1, and its admin. */
export interface AdminRegistry extends AsyncDisposable {
  readonly server: LocalRegistry
  readonly url: string
  readonly admin: { username: string; password: string }
  /** Every repository of its catalog, read as its admin. */
  catalog(): Promise<string[]>
}

/** Start {@link AdminRegistry}: what `artifact-registry-local serve` runs, in this process. */
export async function startAdminRegistry(): Promise<AdminRegistry> {
  const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
  const server = await startLocalRegistry({ adminCredentials: admin })
  return {
    server,
    url: server.url,
    admin,
    async catalog() {
      const res = await fetch(`${server.url}/v2/_catalog`, {
        headers: { authorization: basicAuth(admin.username, admin.password) },
      })
      return ((await res.json()) as { repositories: string[] }).repositories
    },
    [Symbol.asyncDispose]: () => server.close(),
  }
}

/** A new temporary directory, removed on dispose, to hold data directories. */
export async function scratchDirectory(prefix: string): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  return { dir, [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) }
}
