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
 * @internal Fields, at any depth, that still hold a secret reference (`{"secretRef": …}`) or an
 * infrastructure placeholder (`"${…}"`): the deployment tooling must resolve them to plain values
 * before they reach us. Each is named by its dotted path (`adminCredentials.password`,
 * `replicationRegions.1`), so a nested one gets this message rather than a schema's generic one.
 */
export function unresolvedFields(input: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  const visit = (value: unknown, path: readonly string[], seen: ReadonlySet<object>): void => {
    const unresolved = unresolvedValue(value)
    if (unresolved !== undefined) {
      issues.push({ path: path.join('.'), message: `${unresolved}; ${RESOLVE_FIRST}` })
      return
    }
    // `seen` holds the ancestors only: a binding built in code may share objects, or even loop.
    if (typeof value !== 'object' || value === null || seen.has(value)) return
    const ancestors = new Set(seen).add(value)
    for (const [key, child] of Object.entries(value)) visit(child, [...path, key], ancestors)
  }
  for (const [key, value] of Object.entries(input)) visit(value, [key], new Set([input]))
  return issues
}

/** @internal What every unresolved-value issue tells the caller to do. */
export const RESOLVE_FIRST = 'resolve it before the binding reaches the runtime'

/**
 * @internal The first placeholder inside `value` (`http://${REGISTRY_HOST}:5000` gives
 * `${REGISTRY_HOST}`), or undefined: any `${…}`, as HCL writes them too (`${ var.host }`,
 * `${var.hosts[0]}`), or a GitHub Actions `${{ … }}`. For settings that are no secret, where such
 * text is never the value meant: a password may hold it and still be the password.
 */
export function embeddedReference(value: string): string | undefined {
  // Each `${` up to the brace that closes it, braces inside counted: an expression may hold its
  // own (`${{ format('{0}', vars.HOST) }}`, HCL's `${lookup({ a = "x" }, var.env)}`), which a
  // pattern without them passed over. A `${` that nothing closes makes no placeholder. One pass:
  // the outermost (first) of those that close.
  const open: number[] = []
  let first: [number, number] | undefined
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '{') open.push(i)
    else if (value[i] === '}') {
      const at = open.pop()
      if (at === undefined || value[at - 1] !== '$') continue
      if (first === undefined || at - 1 < first[0]) first = [at - 1, i + 1]
    }
  }
  return first === undefined ? undefined : value.slice(first[0], first[1])
}

// --- Internal ---

// The whole value is one placeholder; a value that merely contains "${" may be a real password.
const PLACEHOLDER = /^\$\{[\s\S]*\}$/

// A placeholder that names a variable or an IaC reference (`${ADMIN_PASSWORD}`,
// `${aws_iam_role.pull.arn}`): quoted in the message, since it says where the value was to come
// from. Anything else in `${…}` (spaces, symbols) may be a password that only looks like one.
const REFERENCE_SOURCE = String.raw`\$\{[A-Za-z_][\w.:-]{0,127}\}`
const REFERENCE = new RegExp(`^${REFERENCE_SOURCE}$`)

/** What is unresolved about a value, or undefined when it is a plain value. */
function unresolvedValue(value: unknown): string | undefined {
  if (typeof value === 'string') {
    if (!PLACEHOLDER.test(value)) return undefined
    return REFERENCE.test(value)
      ? `unresolved placeholder ${JSON.stringify(value)}`
      : `unresolved placeholder (a value of ${value.length} characters in "\${…}", not shown)`
  }
  if (typeof value !== 'object' || value === null || !('secretRef' in value)) return undefined
  const ref = (value as { secretRef: unknown }).secretRef
  const name = (ref as { name?: unknown } | null)?.name
  const key = (ref as { key?: unknown } | null)?.key
  // The secret's name and key say where to look; they are not the secret itself.
  const where =
    typeof name === 'string' && typeof key === 'string'
      ? ` (name ${JSON.stringify(name)}, key ${JSON.stringify(key)})`
      : ''
  return `unresolved secretRef${where}`
}
