import { providerError } from '../provider-error.js'
import { NAMING_RULES, type NamingRule, type NamingRuleId } from './rules.js'
import { adaptedSuffix, SHORT_HASH_LENGTH, shortHash } from './short-hash.js'

/** Longest logical name accepted at all; anything longer is a mistake, not a name. */
export const MAX_LOGICAL_NAME_LENGTH = 512

/** Options of {@link toPlatformName}. */
export interface PlatformNameOptions {
  /**
   * Longest result allowed, when the platform name is embedded in a longer one (a prefix takes
   * part of the budget). Defaults to the rule's own maximum.
   */
  maxLength?: number
  /** Platform id used in error messages. @default "core" */
  platform?: string
}

/**
 * Map a logical name to a platform name, deterministically and injectively.
 *
 * A name that is valid for the rule is returned unchanged. Any other usable name is adapted
 * (lowered, illegal characters replaced, shortened) and gets the suffix `-x` + the rule's
 * `hashLength` hex digits of the input's sha256 (24; 12 for `acr-scope-map`), so two different
 * inputs never map to the same name. A valid name that already ends with that suffix shape is
 * adapted too, which keeps adapted and unchanged names apart.
 *
 * @throws ArtifactRegistryError `INVALID_NAME` for empty names, control characters, lone UTF-16
 *   surrogates, `/` at the ends or doubled, `.` or `..` components, or more than 512 characters.
 * @example
 * ```ts
 * toPlatformName('ecr', 'prj_abc123') // 'prj_abc123'
 * toPlatformName('ecr', 'My App')     // 'my-app-x3f0c…'
 * ```
 */
export function toPlatformName(
  rule: NamingRuleId | NamingRule,
  logicalName: string,
  options: PlatformNameOptions = {},
): string {
  const r = typeof rule === 'string' ? NAMING_RULES[rule] : rule
  const maxLength = Math.min(options.maxLength ?? r.maxLength, r.maxLength)
  assertUsableName(logicalName, options.platform ?? 'core')
  const hashLength = r.hashLength ?? SHORT_HASH_LENGTH
  const looksAdapted = adaptedSuffix(hashLength).test(logicalName)
  if (isValidPlatformName(r, logicalName, { maxLength }) && !looksAdapted) return logicalName
  const suffix = `-x${shortHash(logicalName, hashLength)}`
  if (maxLength < suffix.length + 1) {
    throw providerError(
      options.platform ?? 'core',
      'INVALID_CONFIG',
      `a ${r.id} name budget of ${maxLength} characters cannot hold an adapted name; shorten the prefix`,
    )
  }
  const stem = truncateStem(adaptStem(r, logicalName), r, maxLength - suffix.length)
  return `${stem}${suffix}`
}

/** Whether `name` is valid as given for the rule (and fits `maxLength` when given). */
export function isValidPlatformName(
  rule: NamingRuleId | NamingRule,
  name: string,
  options: { maxLength?: number } = {},
): boolean {
  const r = typeof rule === 'string' ? NAMING_RULES[rule] : rule
  const maxLength = Math.min(options.maxLength ?? r.maxLength, r.maxLength)
  if (name.length < r.minLength || name.length > maxLength) return false
  if (r.startsWithLetter && !/^[A-Za-z]/.test(name)) return false
  const components = r.paths ? name.split('/') : [name]
  return components.every((c) => r.component.test(c))
}

/** @throws ArtifactRegistryError `INVALID_NAME` when no platform name should be derived from it. */
export function assertUsableName(name: unknown, platform = 'core'): asserts name is string {
  const reason = unusableReason(name)
  if (reason !== undefined) {
    throw providerError(platform, 'INVALID_NAME', `Invalid repository name: ${reason}`)
  }
}

// --- Internal ---

function unusableReason(name: unknown): string | undefined {
  if (typeof name !== 'string') return `expected a string, got ${typeof name}`
  if (name.trim() === '') return 'the name is empty'
  if (name.length > MAX_LOGICAL_NAME_LENGTH) {
    return `${name.length} characters is longer than ${MAX_LOGICAL_NAME_LENGTH}`
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we reject
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'the name contains control characters'
  // The hash of an adapted name reads the name as UTF-8, which turns every lone surrogate into
  // U+FFFD: `a\uD800`, `a\uDC00` and `a\uFFFD` would share one platform name.
  if (!name.isWellFormed()) return 'the name contains a lone UTF-16 surrogate (not Unicode text)'
  if (name.startsWith('/') || name.endsWith('/')) return `"${name}" starts or ends with "/"`
  const components = name.split('/')
  if (components.some((c) => c === '')) return `"${name}" contains an empty path component`
  if (components.some((c) => c.trim() === '.' || c.trim() === '..')) {
    return `"${name}" contains a "." or ".." path component`
  }
  return undefined
}

function adaptStem(r: NamingRule, name: string): string {
  const cased = r.lowercaseOnly ? name.toLowerCase() : name
  const parts = r.paths ? cased.split('/') : [cased]
  const components = parts.map((p) => adaptComponent(r, p)).filter((c) => c !== '')
  let stem = components.join(r.paths ? '/' : '-')
  if (stem === '') stem = 'r'
  if (r.startsWithLetter && !/^[A-Za-z]/.test(stem)) stem = `r${stem}`
  return stem
}

function adaptComponent(r: NamingRule, part: string): string {
  const letters = r.lowercaseOnly ? 'a-z0-9' : 'A-Za-z0-9'
  const sep = escapeForClass(r.separators)
  const illegal = new RegExp(`[^${letters}${sep}]`, 'g')
  const run = new RegExp(`[${sep}]{2,}`, 'g')
  const edges = new RegExp(`^[${sep}]+|[${sep}]+$`, 'g')
  return part.replace(illegal, '-').replace(run, '-').replace(edges, '')
}

function truncateStem(stem: string, r: NamingRule, budget: number): string {
  const sep = escapeForClass(`${r.separators}/`)
  const cut = stem.slice(0, budget).replace(new RegExp(`[${sep}]+$`), '')
  return cut === '' ? 'r' : cut
}

function escapeForClass(chars: string): string {
  return chars.replace(/[\\\]^-]/g, '\\$&')
}
