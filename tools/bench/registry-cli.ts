import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

// Through the package, not a path into packages/: the compiled benchmark runs from bench/dist.
const manifest = createRequire(import.meta.url).resolve(
  '@artifact-registry/registry-server/package.json',
)

/** The registry-server build's command entry, which its `artifact-registry-local` bin loads. */
export const REGISTRY_CLI: string = join(dirname(manifest), 'dist', 'cli.js')
