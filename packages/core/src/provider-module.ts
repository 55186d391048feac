import type { ArtifactRegistry } from './artifact-registry.js'
import type { ArtifactRegistryBinding } from './binding/types.js'

/**
 * What a provider package exports for the factory. Built-in provider packages export
 * `fromBinding`; a third-party provider passes a loader returning such a module to
 * `registerProvider`.
 */
export interface ProviderModule {
  /** Build a provider from a validated binding. */
  fromBinding(binding: ArtifactRegistryBinding): ArtifactRegistry | Promise<ArtifactRegistry>
}

/** Loads a provider module lazily, e.g. `() => import('my-provider')`. */
export type ProviderLoader = () => ProviderModule | Promise<ProviderModule>

/** The npm package of each built-in platform. */
export const PROVIDER_PACKAGES: Readonly<Record<'aws' | 'gcp' | 'azure' | 'local', string>> = {
  aws: '@artifact-registry/provider-aws',
  gcp: '@artifact-registry/provider-gcp',
  azure: '@artifact-registry/provider-azure',
  local: '@artifact-registry/provider-local',
}
