import type { z } from 'zod'
import { ArtifactRegistryError, type ConfigIssue } from '../errors.js'

/** @internal Turn schema issues into our path-named issues; `rename` maps our field names back to the caller's. */
export function toConfigIssues(
  error: z.ZodError,
  rename: Readonly<Record<string, string>> = {},
): ConfigIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String)
    const head = path[0]
    if (head !== undefined && rename[head] !== undefined) path[0] = rename[head]
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : issue.message
    return { path: path.join('.'), message }
  })
}

/** @internal Raise INVALID_CONFIG listing every issue, each by path. */
export function invalidConfig(subject: string, issues: readonly ConfigIssue[]): never {
  const list = issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('; ')
  throw new ArtifactRegistryError('INVALID_CONFIG', `[core] Invalid ${subject}: ${list}`, {
    issues,
  })
}

/**
 * @internal Fields that still hold a secret reference or an infrastructure expression: the
 * deployment tooling must resolve them to plain values before they reach us.
 */
export function unresolvedFields(input: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  for (const [key, value] of Object.entries(input)) {
    if (isSecretRef(value)) {
      issues.push({ path: key, message: 'is an unresolved secretRef; resolve it to a plain value' })
    } else if (typeof value === 'string' && /^\$\{.*\}$/.test(value)) {
      issues.push({
        path: key,
        message: 'is an unresolved expression; resolve it to a plain value',
      })
    }
  }
  return issues
}

function isSecretRef(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'secretRef' in value
}
