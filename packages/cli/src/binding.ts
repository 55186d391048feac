import { readFile } from 'node:fs/promises'
import {
  type ArtifactRegistry,
  type ArtifactRegistryBinding,
  ArtifactRegistryError,
  createArtifactRegistry,
  loadBinding,
  parseBinding,
} from '@artifact-registry/core'
import { adminPasswordVariable, withAdminPassword } from './admin-password-placeholder.js'
import { parseConfigJson, readConfigFile } from './config-file.js'

/** The binding name used when `--binding` is not given. */
export const DEFAULT_BINDING_NAME = 'artifacts'

/** Where a command's binding comes from: `--binding NAME` or `--binding-file FILE`. */
export interface BindingSource {
  /** The name whose `ARTIFACT_REGISTRY_<NAME>_BINDING` (or `ALIEN_<NAME>_BINDING`) holds the JSON. */
  binding?: string | undefined
  /** A file holding the binding JSON. */
  bindingFile?: string | undefined
}

/**
 * The registry a binding describes, built by core: a missing provider package is core's
 * `PROVIDER_NOT_INSTALLED`, a bad binding its `INVALID_CONFIG` naming the variable or the file.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` for a `local` binding with neither `url` nor
 *   `dataDir` (see {@link refuseInMemoryRegistry})
 */
export async function openRegistry(
  source: BindingSource,
  env: NodeJS.ProcessEnv,
): Promise<ArtifactRegistry> {
  if (source.bindingFile !== undefined) {
    const binding = await readBindingFile(source.bindingFile, source.binding, env)
    refuseInMemoryRegistry(binding, `binding file ${source.bindingFile}`)
    return createArtifactRegistry(binding)
  }
  return createArtifactRegistry(loadUsableBinding(source.binding ?? DEFAULT_BINDING_NAME, env))
}

/**
 * Refuse a `local` binding with neither `url` nor `dataDir`. The library starts an embedded
 * registry in memory for it, which is right inside an application, but a command's memory is gone
 * when it exits: `repo create` printed a URI nothing serves, `credentials` minted a secret for a
 * registry that no longer exists, and `revoke` reported 0 revoked, exit 0, having never reached
 * the registry the user meant (typically a `url` left out of the binding).
 */
export function refuseInMemoryRegistry(binding: ArtifactRegistryBinding, source: string): void {
  if (binding.platform !== 'local' || binding.url !== undefined || binding.dataDir !== undefined) {
    return
  }
  const problem =
    'has neither url nor dataDir: its registry would live in this command only, and vanish when it exits'
  throw new ArtifactRegistryError(
    'INVALID_CONFIG',
    `The local binding in ${source} ${problem}. Give url (a registry started with \`artifact-registry serve\`) or dataDir.`,
    { issues: [{ path: 'url', message: problem }] },
  )
}

/**
 * The binding in the environment, as `loadArtifactRegistry` reads it (core's errors unchanged),
 * refused by {@link refuseInMemoryRegistry} naming the variable it came from.
 */
export function loadUsableBinding(name: string, env: NodeJS.ProcessEnv): ArtifactRegistryBinding {
  const { binding, variable } = loadBinding(name, env)
  refuseInMemoryRegistry(binding, variable)
  return binding
}

/** A binding file's JSON, validated (ours or the Alien shape); errors name the file. */
export async function readBindingFile(
  file: string,
  bindingName: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<ArtifactRegistryBinding> {
  return parseBindingText(await readBindingText(file), file, bindingName, env)
}

/** A binding file's text; a file that cannot be read is `INVALID_CONFIG` naming it and why. */
export function readBindingText(file: string): Promise<string> {
  return readConfigFile(file, 'binding file')
}

/**
 * A binding file's text, validated. Text that is not JSON is reported by line and column only:
 * the parser's own message would quote it, and a binding may hold a password. A `local`
 * binding's admin password of `${VAR}` is read from `env` (see {@link withAdminPassword}).
 */
export function parseBindingText(
  text: string,
  file: string,
  bindingName: string | undefined,
  env: NodeJS.ProcessEnv,
): ArtifactRegistryBinding {
  const json = withAdminPassword(parseConfigJson(text, 'binding file', file), env, file)
  return parseBinding(json, {
    bindingName: bindingName ?? DEFAULT_BINDING_NAME,
    env,
    source: file,
  })
}

/**
 * The variable a `--binding-file`'s `${VAR}` admin password is read from (see
 * {@link withAdminPassword}), or `undefined`: no file, no such placeholder, or a file that cannot
 * be read or parsed (opening the registry reports that).
 */
export async function bindingFilePasswordVariable(
  source: BindingSource,
): Promise<string | undefined> {
  if (source.bindingFile === undefined) return undefined
  try {
    return adminPasswordVariable(JSON.parse(await readFile(source.bindingFile, 'utf8')))
  } catch {
    return undefined
  }
}
