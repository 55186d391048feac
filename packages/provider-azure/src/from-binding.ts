import type { AzureBinding } from '@artifact-registry/core'
import { type AzureProvider, azure } from './azure-provider.js'
import { cloudOfAuthority } from './clouds.js'
import { lazyDefaultCredential } from './default-credential.js'
import { platformError } from './map-error.js'
import type { AzureProviderOptions } from './options.js'
import { PLATFORM } from './platform.js'

/**
 * Build the provider from a validated `azure` binding (what `createArtifactRegistry` and
 * `loadArtifactRegistry` call). A JSON binding carries no credential object, so the identity is
 * `DefaultAzureCredential` from `@azure/identity` (environment, workload identity, managed
 * identity, Azure CLI, …), with the binding's `authorityHost`. It is created lazily, on the first
 * token request, so building a provider never probes the environment or the instance metadata
 * service. To choose the credential yourself, call {@link azure} instead.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` when the binding is not an `azure` one (a rejection).
 */
export async function fromBinding(binding: AzureBinding): Promise<AzureProvider> {
  if (binding?.platform !== PLATFORM) {
    throw platformError(
      'INVALID_CONFIG',
      `Expected a binding with platform "azure", got "${String(binding?.platform)}"`,
      { issues: [{ path: 'platform', message: 'must be "azure"' }] },
    )
  }
  return azure({
    ...bindingOptions(binding),
    credential: lazyDefaultCredential(binding.authorityHost),
  })
}

/**
 * @internal What an `azure` binding says of the provider's options: everything but the
 * credential, which a JSON binding cannot carry.
 */
export function bindingOptions(binding: AzureBinding): Omit<AzureProviderOptions, 'credential'> {
  return {
    subscriptionId: binding.subscriptionId,
    resourceGroup: binding.resourceGroup,
    registryName: binding.registryName,
    repositoryPrefix: binding.repositoryPrefix,
    sku: binding.sku,
    loginServer: binding.loginServer,
    credentials: binding.credentials,
    cloud: cloudOfAuthority(binding.authorityHost),
  }
}
