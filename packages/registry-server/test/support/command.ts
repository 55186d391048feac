import { fileURLToPath } from 'node:url'
import { registryCommand } from '@artifact-registry/test-kit'

/** The command as npm links it (its launcher loads the build): child-process tests run it as users do. */
export const CLI = fileURLToPath(new URL('../../bin/artifact-registry-local.js', import.meta.url))

export const { runCli, startCli, startRegistryProcess, startTlsRegistryProcess } =
  registryCommand(CLI)
