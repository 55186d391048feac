import type { LocalBinding } from '@artifact-registry/core'
import { type LocalProvider, local } from './local-provider.js'

/**
 * Build the provider from a validated `local` binding (what `createArtifactRegistry` calls): the
 * registry at `binding.url`, or an embedded one.
 */
export function fromBinding(binding: LocalBinding): Promise<LocalProvider> {
  return local({
    ...(binding.url && { url: binding.url }),
    ...(binding.bindingName && { bindingName: binding.bindingName }),
    ...(binding.dataDir && { dataDir: binding.dataDir }),
    ...(binding.adminCredentials && { adminCredentials: binding.adminCredentials }),
    ...(binding.caCertificate && { caCertificate: binding.caCertificate }),
    ...(binding.tokenServiceUrl && { tokenServiceUrl: binding.tokenServiceUrl }),
    ...(binding.port !== undefined && { port: binding.port }),
  })
}
