import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ArtifactRegistryError } from '@artifact-registry/core'

/** The port `serve` listens on when neither `--port` nor the data directory says otherwise. */
export const DEFAULT_SERVE_PORT = 5000

/**
 * Where provider-local's embedded registry (a `dataDir` binding, `provision local --data-dir`)
 * records the port it served a data directory on. Its repository URIs, `registryEndpoint`, and a
 * credential helper entry keyed by `127.0.0.1:<port>` all carry that port.
 */
const ENDPOINT_FILE = 'endpoint.json'

/** The port `serve` uses, and whether it is the one the data directory remembered. */
export interface ServePort {
  port: number
  remembered: boolean
}

/**
 * The port to serve `dataDir` on: `--port` when given; else the port its embedded registry
 * recorded, so that the URIs handed out before (and credentials minted for that host) keep
 * working; else {@link DEFAULT_SERVE_PORT}. A directory without the record (new, or only ever
 * served by `serve`) gets the default. A record that cannot be read or holds no port is an error
 * rather than a silent move to another port.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming the record.
 */
export async function servePort(dataDir: string, given: number | undefined): Promise<ServePort> {
  if (given !== undefined) return { port: given, remembered: false }
  const file = join(dataDir, ENDPOINT_FILE)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    // No record, or a `--data` that is a file (which `serve` reports naming the flag).
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return { port: DEFAULT_SERVE_PORT, remembered: false }
    throw notAPort(file, `cannot be read (${code ?? 'unreadable'})`)
  }
  let port: unknown
  try {
    port = (JSON.parse(text) as { port?: unknown } | null)?.port
  } catch {
    port = undefined
  }
  if (Number.isInteger(port) && (port as number) > 0 && (port as number) <= 65_535) {
    return { port: port as number, remembered: true }
  }
  throw notAPort(file, `does not hold the port this data directory was served on ({"port": N})`)
}

function notAPort(file: string, problem: string): ArtifactRegistryError {
  return new ArtifactRegistryError(
    'INVALID_CONFIG',
    `${file} ${problem}: pass --port, or delete the file to serve on ${DEFAULT_SERVE_PORT}`,
    { issues: [{ path: '--data', message: `${ENDPOINT_FILE} ${problem}` }] },
  )
}
