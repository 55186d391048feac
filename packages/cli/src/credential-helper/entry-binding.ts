import {
  type ArtifactRegistry,
  alienBindingEnvVariable,
  bindingEnvVariable,
  createArtifactRegistry,
  loadArtifactRegistry,
} from '@artifact-registry/core'
import { parseBindingText, readBindingText } from '../binding.js'
import type { HelperHostConfig } from './config.js'

/** The binding of a config entry as read once: its text for the cache key, and the registry. */
export interface EntryBinding {
  /** The binding file's text, or the values of the variables a binding name reads. */
  readonly text: string
  /** The registry this very text describes (a file is not read again). */
  open(): Promise<ArtifactRegistry>
}

/**
 * Read an entry's binding: the file (its text is what gets hashed and then parsed), or both
 * variables a binding name may be read from (`ARTIFACT_REGISTRY_<NAME>_BINDING`, then
 * `ALIEN_<NAME>_BINDING`), so a change to either gives another cache key.
 */
export async function readEntryBinding(
  entry: HelperHostConfig,
  env: NodeJS.ProcessEnv,
): Promise<EntryBinding> {
  const file = entry.bindingFile
  if (file !== undefined) {
    const text = await readBindingText(file)
    return {
      text,
      open: async () => createArtifactRegistry(parseBindingText(text, file, undefined, env)),
    }
  }
  const name = entry.binding ?? ''
  const text = JSON.stringify([env[bindingEnvVariable(name)], env[alienBindingEnvVariable(name)]])
  return { text, open: () => loadArtifactRegistry(name, env) }
}
