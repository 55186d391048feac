import type { ArtifactRegistryBinding, ConfigIssue } from '@artifact-registry/core'
import { platformError } from '../map-error.js'

// A whole value that names one variable, as provision writes it: `${ARTIFACT_REGISTRY_ADMIN_PASSWORD}`.
const PLACEHOLDER = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/

/**
 * A copy of `binding` with every `${VAR}` value (a whole string naming one variable, at any
 * depth) replaced by that variable of `env`: what deployment tooling does before a binding
 * reaches `createArtifactRegistry`, for a program that does it itself. Other values are kept
 * as they are.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming, by path, every placeholder whose
 *   variable is unset or empty (the value itself is never shown).
 * @example
 * ```ts
 * const { binding } = await provision({ url: 'http://127.0.0.1:5000' })
 * await using registry = await createArtifactRegistry(resolveBindingPlaceholders(binding))
 * ```
 */
export function resolveBindingPlaceholders<B extends ArtifactRegistryBinding>(
  binding: B,
  env: Readonly<Record<string, string | undefined>> = process.env,
): B {
  const issues: ConfigIssue[] = []
  const resolve = (value: unknown, path: readonly string[]): unknown => {
    if (typeof value === 'string') {
      const name = PLACEHOLDER.exec(value)?.[1]
      if (name === undefined) return value
      const resolved = env[name]
      if (resolved) return resolved
      issues.push({ path: path.join('.'), message: `names ${name}, which is not set` })
      return value
    }
    if (Array.isArray(value)) return value.map((item, i) => resolve(item, [...path, String(i)]))
    if (typeof value !== 'object' || value === null) return value
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [key, resolve(child, [...path, key])]),
    )
  }
  const resolved = resolve(binding, []) as B
  if (issues.length > 0) {
    const list = issues.map((i) => `${i.path} ${i.message}`).join('; ')
    throw platformError('INVALID_CONFIG', `Cannot resolve the binding: ${list}`, { issues })
  }
  return resolved
}
