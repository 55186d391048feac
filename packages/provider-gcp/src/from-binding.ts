import type { GcpBinding } from '@artifact-registry/core'
import { type GcpProvider, gcp } from './gcp-provider.js'
import type { GarClientOptions, GcpProviderOptions } from './options.js'

/**
 * Build the provider from a validated `gcp` binding (what `createArtifactRegistry` calls).
 * `overrides` adds what a binding cannot carry, such as an `authClient`.
 *
 * @example
 * ```ts
 * const registry = await fromBinding({ platform: 'gcp', projectId: 'acme-prod', location: 'us-central1', repository: 'images' })
 * ```
 */
export function fromBinding(
  binding: GcpBinding,
  overrides: Partial<GcpProviderOptions> = {},
): Promise<GcpProvider> {
  const endpoint = binding.apiEndpoint === undefined ? {} : endpointOptions(binding.apiEndpoint)
  return gcp({
    projectId: binding.projectId,
    location: binding.location,
    repository: binding.repository,
    ...(binding.pullServiceAccount === undefined
      ? {}
      : { pullServiceAccount: binding.pullServiceAccount }),
    ...(binding.pushServiceAccount === undefined
      ? {}
      : { pushServiceAccount: binding.pushServiceAccount }),
    ...overrides,
    clientOptions: { ...endpoint, ...overrides.clientOptions },
  })
}

/** @internal SDK options for an API endpoint URL: the SDK wants host, port and scheme apart. */
export function endpointOptions(url: string): GarClientOptions {
  const parsed = new URL(url)
  const protocol = parsed.protocol.replace(/:$/, '')
  // The SDK's default port (443) would override a port written into apiEndpoint.
  const port = parsed.port === '' ? (protocol === 'http' ? 80 : 443) : Number(parsed.port)
  return { apiEndpoint: parsed.hostname, port, protocol }
}
