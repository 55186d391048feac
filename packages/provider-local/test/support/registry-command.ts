import { packageBin, registryCommand } from '@artifact-registry/test-kit'

// The `artifact-registry-local` command of the registry-server dependency, from the launcher npm
// links: these tests run it next to the provider, as a user would.
export const { startCli, startRegistryProcess, startTlsRegistryProcess } = registryCommand(
  packageBin('@artifact-registry/registry-server', 'artifact-registry-local', import.meta.url),
)
