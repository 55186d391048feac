import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * The file in a data directory recording the port its registry was last served on, as
 * `{"port": N}`: the embedded registry of `@artifact-registry/provider-local` writes it, and it
 * and `artifact-registry serve` read it, so that repository URIs handed out (which carry the
 * port) stay valid across restarts.
 */
export const REMEMBERED_PORT_FILE = 'endpoint.json'

/** What a data directory's {@link REMEMBERED_PORT_FILE} says. */
export type RememberedPort =
  /** No record: a new directory, one only ever served with a port given, or `dataDir` a file. */
  | { readonly state: 'none' }
  | { readonly state: 'port'; readonly port: number }
  /**
   * A record that says nothing usable (`problem`, in a few words), or that could not be read
   * (`cause`, the read's error): moving to another port would break URIs without a word.
   */
  | {
      readonly state: 'unusable'
      readonly path: string
      readonly problem: string
      readonly cause?: unknown
    }

/** Read the port `dataDir`'s registry was last served on (see {@link REMEMBERED_PORT_FILE}). */
export async function readRememberedPort(dataDir: string): Promise<RememberedPort> {
  const path = join(dataDir, REMEMBERED_PORT_FILE)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    // ENOTDIR: `dataDir` is a file, which the start reports naming the directory.
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'none' }
    return {
      state: 'unusable',
      path,
      problem: `cannot be read (${code ?? 'unreadable'})`,
      cause: error,
    }
  }
  let port: unknown
  try {
    port = (JSON.parse(text) as { port?: unknown } | null)?.port
  } catch {
    port = undefined
  }
  if (typeof port === 'number' && Number.isInteger(port) && port > 0 && port <= 65_535) {
    return { state: 'port', port }
  }
  return { state: 'unusable', path, problem: 'does not hold the registry\'s port ({"port": N})' }
}
