import {
  type ArtifactRegistry,
  alienBindingEnvVariable,
  bindingEnvVariable,
  createArtifactRegistry,
} from '@artifact-registry/core'
import {
  loadUsableBinding,
  parseBindingText,
  readBindingText,
  refuseInMemoryRegistry,
} from '../binding.js'
import type { HelperHostConfig } from './config.js'

/** The binding of a config entry as read once: its text for the cache key, and the registry. */
export interface EntryBinding {
  /**
   * For the cache key: the binding file's text and what it resolves to, or the values of the
   * variables a binding name reads.
   */
  readonly text: string
  /** The registry this very text describes (a file is not read again). */
  open(): Promise<ArtifactRegistry>
}

/**
 * Read an entry's binding: the file (its text and the binding it resolves to, a `${VAR}` admin
 * password included, are what gets hashed), or both variables a binding name may be read from
 * (`ARTIFACT_REGISTRY_<NAME>_BINDING`, then `ALIEN_<NAME>_BINDING`), so a change to either gives
 * another cache key.
 */
export async function readEntryBinding(
  entry: HelperHostConfig,
  env: NodeJS.ProcessEnv,
): Promise<EntryBinding> {
  const file = entry.bindingFile
  if (file !== undefined) {
    const fileText = await readBindingText(file)
    // Resolved now, not when minting: a `${VAR}` admin password comes from `env`, not the file, so
    // the key must include what the file resolves to. Keyed on the text alone, a run without the
    // variable (or with another password) got what a run holding the admin password minted.
    const binding = parseBindingText(fileText, file, undefined, env)
    return {
      text: JSON.stringify([fileText, binding]),
      // As the commands refuse it: a registry in this process's memory is gone when the helper
      // exits, and docker would be handed credentials for it.
      open: async () => {
        refuseInMemoryRegistry(binding, `binding file ${file}`)
        return createArtifactRegistry(binding)
      },
    }
  }
  const name = entry.binding ?? ''
  const text = JSON.stringify([env[bindingEnvVariable(name)], env[alienBindingEnvVariable(name)]])
  return { text, open: async () => createArtifactRegistry(loadUsableBinding(name, env)) }
}
