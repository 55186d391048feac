import type { ArtifactRegistry } from '@artifact-registry/core'
import { type ReferenceOptions, reference } from '../../reference-provider.js'

/**
 * The provider of the README's example: laid out like a provider package of its own
 * (`src/index.ts` exports the factory, `test/` runs the contract suite), backed by the suite's
 * in-memory reference provider.
 */
export function myProvider(options: ReferenceOptions = {}): ArtifactRegistry {
  return reference(options)
}
