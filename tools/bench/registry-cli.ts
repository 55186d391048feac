import { packageBin } from '@artifact-registry/test-kit'

/**
 * The `artifact-registry-local` launcher npm links, found through the registry-server package
 * (the compiled benchmark runs from bench/dist): the benchmark runs the command users run.
 */
export const REGISTRY_CLI: string = packageBin(
  '@artifact-registry/registry-server',
  'artifact-registry-local',
  import.meta.url,
)
