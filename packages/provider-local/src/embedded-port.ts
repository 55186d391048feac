import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ArtifactRegistryError } from '@artifact-registry/core'
import { PLATFORM } from './platform.js'
import { writeFileAtomic } from './registry-server/storage/atomic-write.js'

const FILE = 'endpoint.json'

/**
 * The port the embedded registry of `dataDir` was last served on, or 0 (any free port) for a new
 * data directory. Reusing it keeps `registryEndpoint`, and every repository URI handed out
 * before, valid across restarts.
 */
export async function rememberedPort(dataDir: string): Promise<number> {
  try {
    const { port } = JSON.parse(await readFile(join(dataDir, FILE), 'utf8')) as { port?: unknown }
    return Number.isInteger(port) && (port as number) > 0 && (port as number) <= 65_535
      ? (port as number)
      : 0
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw error
  }
}

/** Record the port the embedded registry of `dataDir` now serves on. */
export async function rememberPort(dataDir: string, port: number): Promise<void> {
  await mkdir(dataDir, { recursive: true })
  await writeFileAtomic(join(dataDir, FILE), `${JSON.stringify({ port })}\n`, dataDir)
}

/** A typed error for a port that cannot be bound, saying what to do about it. */
export function portUnavailable(port: number, remembered: boolean, cause: unknown): Error {
  if ((cause as NodeJS.ErrnoException).code !== 'EADDRINUSE') return cause as Error
  const why = remembered
    ? `port ${port}, where this data directory's registry was served before (so that repository URIs stay valid), is in use`
    : `port ${port} is in use`
  return new ArtifactRegistryError(
    'UNAVAILABLE',
    `[provider-local] Cannot start the embedded registry: ${why}. Stop what holds it, or pass another port (URIs handed out before will then change).`,
    { platform: PLATFORM, cause },
  )
}
