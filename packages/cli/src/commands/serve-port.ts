import { basename } from 'node:path'
import { ArtifactRegistryError } from '@artifact-registry/core'
import type { RememberedPort } from '@artifact-registry/registry-server'

/** The port `serve` listens on when neither `--port` nor the data directory says otherwise. */
export const DEFAULT_SERVE_PORT = 5000

/** The port `serve` uses, and whether it is the one the data directory remembered. */
export interface ServePort {
  port: number
  remembered: boolean
}

/**
 * The port to serve `dataDir` on: `--port` when given; else the port its registry was last
 * served on (provider-local's embedded registry records it: a `dataDir` binding, `provision local
 * --data-dir`), so that the URIs handed out before (and credentials minted for that host) keep
 * working; else {@link DEFAULT_SERVE_PORT}. A record that cannot be read or holds no port is an
 * error rather than a silent move to another port.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming the record.
 */
export async function servePort(
  dataDir: string,
  given: number | undefined,
  readRememberedPort: (dataDir: string) => Promise<RememberedPort>,
): Promise<ServePort> {
  if (given !== undefined) return { port: given, remembered: false }
  const remembered = await readRememberedPort(dataDir)
  if (remembered.state === 'none') return { port: DEFAULT_SERVE_PORT, remembered: false }
  if (remembered.state === 'port') return { port: remembered.port, remembered: true }
  throw new ArtifactRegistryError(
    'INVALID_CONFIG',
    `${remembered.path} ${remembered.problem}: pass --port, or delete the file to serve on ${DEFAULT_SERVE_PORT}`,
    { issues: [{ path: '--data', message: `${basename(remembered.path)} ${remembered.problem}` }] },
  )
}
