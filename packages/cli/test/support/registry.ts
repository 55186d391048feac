import { randomBytes } from 'node:crypto'
import { type LocalRegistry, startLocalRegistry } from '@artifact-registry/registry-server'
import { writeBindingFile } from './command.js'

/** A local registry in this process, with a binding file that reaches it by URL. */
export interface BoundRegistry extends AsyncDisposable {
  readonly registry: LocalRegistry
  /** `127.0.0.1:<port>`: the host docker and skopeo name. */
  readonly host: string
  readonly bindingFile: string
}

/** Start a registry (in memory, auth on) and write its `local` binding (URL and admin) to `dir`. */
export async function boundRegistry(dir: string): Promise<BoundRegistry> {
  const adminCredentials = { username: 'admin', password: randomBytes(18).toString('base64url') }
  const registry = await startLocalRegistry({ adminCredentials })
  const bindingFile = await writeBindingFile(dir, {
    platform: 'local',
    url: registry.url,
    adminCredentials,
  })
  return {
    registry,
    host: new URL(registry.url).host,
    bindingFile,
    [Symbol.asyncDispose]: () => registry.close(),
  }
}
