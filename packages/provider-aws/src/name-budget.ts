import { imageNameBudget } from '@artifact-registry/core'
import { endpointHost, registryHost } from './arn.js'
import { MAX_ECR_NAME } from './naming.js'

/**
 * @internal The longest routable name: ECR's 256, or less where Docker's 255-character limit on a
 * whole image name leaves less beside a registry host. Without a `registryEndpoint`, the name is
 * served at the home region's host and, replicated under the same name, at each replica region's
 * host: the longest of them bounds it, or a replica could not be pulled.
 *
 * @param accountId - the registry's account: only its length, always 12 digits, counts.
 */
export function routableNameBudget(
  accountId: string,
  regions: readonly string[],
  registryEndpoint: string | undefined,
): number {
  const endpoint = endpointHost(registryEndpoint)
  const hosts =
    endpoint !== undefined ? [endpoint] : regions.map((region) => registryHost(accountId, region))
  return Math.min(MAX_ECR_NAME, ...hosts.map((host) => imageNameBudget(host, MAX_ECR_NAME)))
}
