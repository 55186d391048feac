import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { registryCommand } from '@artifact-registry/test-kit'

// The `artifact-registry-local` command of the registry-server dependency, from the launcher npm
// links: these tests run it next to the provider, as a user would.
const require = createRequire(import.meta.url)
const manifestPath = require.resolve('@artifact-registry/registry-server/package.json')
const { bin } = require(manifestPath) as { bin: Record<string, string> }
const launcher = bin['artifact-registry-local']
if (launcher === undefined) throw new Error(`${manifestPath} has no artifact-registry-local bin`)

export const { startCli, startRegistryProcess } = registryCommand(
  join(dirname(manifestPath), launcher),
)
