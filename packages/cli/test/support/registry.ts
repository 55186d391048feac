import { randomBytes } from 'node:crypto'
import { type LocalRegistry, startLocalRegistry } from '@artifact-registry/registry-server'
import { afterAll } from 'vitest'
import { temporaryDirectory, writeBindingFile } from './command.js'

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

/** What {@link boundRegistryForFile} gives a test file. */
export interface FileRegistry {
  /** The file's temporary directory (the binding file is in it). */
  readonly dir: string
  readonly bound: BoundRegistry
  /** `--binding-file <its binding>`, to spread into a command's arguments. */
  readonly binding: readonly string[]
}

/**
 * A temporary directory and a {@link boundRegistry} in it shared by the tests of one file, both
 * removed after them. Call it at the top level of the file (it registers an `afterAll`).
 */
export async function boundRegistryForFile(prefix: string): Promise<FileRegistry> {
  const work = await temporaryDirectory(prefix)
  const bound = await boundRegistry(work.dir)
  afterAll(async () => {
    await bound[Symbol.asyncDispose]()
    await work[Symbol.asyncDispose]()
  })
  return { dir: work.dir, bound, binding: ['--binding-file', bound.bindingFile] }
}
