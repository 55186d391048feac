import { ArtifactRegistryError } from '../errors.js'
import { type BindingEnv, fromAlienBinding } from './alien.js'
import { invalidConfig, toConfigIssues, unresolvedFields } from './issues.js'
import { BINDING_SCHEMAS } from './schemas.js'
import type { ArtifactRegistryBinding, BuiltinPlatform } from './types.js'

/** Options of {@link parseBinding}. */
export interface ParseBindingOptions {
  /** Name of the binding; the local platform uses it as the namespace of an Alien binding. @default "artifacts" */
  bindingName?: string
  /** Environment for ambient settings of Alien bindings (region, project). @default process.env */
  env?: BindingEnv
  /** Whether a non-built-in platform id is acceptable (it is when a provider was registered for it). */
  isRegistered?: (platform: string) => boolean
  /** Where the binding came from, such as an environment variable; error messages name it. */
  source?: string
}

/**
 * Validate a binding (ours, or the Alien shape with `service`) and return it in our shape.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming every invalid field by path (`issues`).
 */
export function parseBinding(
  input: unknown,
  options: ParseBindingOptions = {},
): ArtifactRegistryBinding {
  // Appended to what is invalid: "Invalid binding in ALIEN_X_BINDING: …".
  const where = options.source === undefined ? '' : ` in ${options.source}`
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    invalidConfig(`binding${where}`, [{ path: '', message: 'must be a JSON object' }])
  }
  const record = input as Record<string, unknown>
  const unresolved = unresolvedFields(record)
  if (unresolved.length > 0) invalidConfig(`binding${where}`, unresolved)

  if (!('platform' in record) && 'service' in record) {
    const converted = fromAlienBinding(record, {
      bindingName: options.bindingName ?? 'artifacts',
      env: options.env ?? process.env,
    })
    if (converted.issues.length > 0) invalidConfig(`binding${where}`, converted.issues)
    return validate(converted.binding, options, converted.rename, where)
  }
  return validate(record, options, {}, where)
}

/** Whether `platform` is one of the built-in platforms. */
export function isBuiltinPlatform(platform: unknown): platform is BuiltinPlatform {
  return typeof platform === 'string' && Object.hasOwn(BINDING_SCHEMAS, platform)
}

// --- Internal ---

function validate(
  record: Record<string, unknown>,
  options: ParseBindingOptions,
  rename: Readonly<Record<string, string>>,
  where: string,
): ArtifactRegistryBinding {
  const platform = record.platform
  if (isBuiltinPlatform(platform)) {
    const parsed = BINDING_SCHEMAS[platform].safeParse(record)
    if (!parsed.success)
      invalidConfig(`${platform} binding${where}`, toConfigIssues(parsed.error, rename))
    return parsed.data as ArtifactRegistryBinding
  }
  if (typeof platform !== 'string' || platform === '') {
    invalidConfig(`binding${where}`, [
      { path: 'platform', message: 'must be "aws", "gcp", "azure", "local" or a registered id' },
    ])
  }
  if (options.isRegistered?.(platform)) return record as ArtifactRegistryBinding
  throw new ArtifactRegistryError(
    'INVALID_CONFIG',
    `[core] Unknown platform "${platform}"${where}: use "aws", "gcp", "azure" or "local", or call registerProvider("${platform}", loader) first`,
    { issues: [{ path: 'platform', message: `unknown platform "${platform}"` }] },
  )
}
