import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { importOptional, isMissing } from './optional-package.js'

const REGISTRY_SERVER = '@artifact-registry/registry-server'
const PROVIDER_LOCAL = '@artifact-registry/provider-local'

/** What `@artifact-registry/registry-server` exports. */
type RegistryServerModule = typeof import('@artifact-registry/registry-server')

/**
 * The registry server package, for `serve`: installed beside the command, or else the copy that
 * `@artifact-registry/provider-local` depends on. In a project npm hoists that copy next to the
 * command, but `npm i -g @artifact-registry/cli @artifact-registry/provider-local` nests it under
 * provider-local, where the command's own `import` never looks; the README promises that
 * installing provider-local is enough, so it is looked up from there too.
 *
 * @throws ArtifactRegistryError `PROVIDER_NOT_INSTALLED` when neither has it.
 */
export function loadRegistryServer(): Promise<RegistryServerModule> {
  return importOptional(REGISTRY_SERVER, REGISTRY_SERVER, async () => {
    try {
      return await import('@artifact-registry/registry-server')
    } catch (error) {
      if (!isMissing(error, REGISTRY_SERVER, REGISTRY_SERVER)) throw error
      const nested = besideProviderLocal()
      if (nested === undefined) throw error
      return (await import(nested)) as RegistryServerModule
    }
  })
}

/** The URL of provider-local's own registry server, or `undefined` without provider-local. */
function besideProviderLocal(): string | undefined {
  let providerLocal: string
  try {
    providerLocal = import.meta.resolve(PROVIDER_LOCAL)
  } catch {
    return undefined
  }
  try {
    return pathToFileURL(createRequire(providerLocal).resolve(REGISTRY_SERVER)).href
  } catch {
    return undefined
  }
}
