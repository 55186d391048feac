import type { AzureBinding } from '@artifact-registry/core'
import { sovereignAuthorityHost } from '../clouds.js'
import { PLATFORM } from '../platform.js'
import type { AcrSku } from '../rate-limiter.js'
import type { ResolvedProvisionOptions } from './options.js'

/**
 * The binding of the provisioned registry, for `ARTIFACT_REGISTRY_<NAME>_BINDING`: what the
 * runtime provider needs and nothing it can derive. `loginServer` only when ARM names another
 * host than `{registryName}.{cloud suffix}` (a sovereign cloud's, a DNS name label), and
 * `authorityHost` only outside the public cloud; `credentials` as given.
 *
 * @param sku The registry's SKU: as asked for, or as ARM says at `deprovision` without one.
 * @param loginServer What ARM says serves the registry; `undefined` in a dry run that would
 *   create it.
 */
export function bindingOf(
  resolved: ResolvedProvisionOptions,
  sku: AcrSku | undefined,
  loginServer: string | undefined,
): AzureBinding {
  const { options, runtime } = resolved
  const binding: AzureBinding = {
    platform: PLATFORM,
    subscriptionId: runtime.subscriptionId,
    resourceGroup: runtime.resourceGroup,
    registryName: runtime.registryName,
  }
  if (sku !== undefined) binding.sku = sku
  if (runtime.repositoryPrefix !== undefined) binding.repositoryPrefix = runtime.repositoryPrefix
  if (options.credentials !== undefined) binding.credentials = options.credentials
  if (loginServer !== undefined && loginServer.toLowerCase() !== runtime.loginServer) {
    binding.loginServer = loginServer
  }
  const authorityHost = sovereignAuthorityHost(options.cloud)
  if (authorityHost !== undefined) binding.authorityHost = authorityHost
  return binding
}
