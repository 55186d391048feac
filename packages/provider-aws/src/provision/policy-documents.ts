import type { Permission } from '@artifact-registry/core'
import { permissionStatements } from '../session-policy.js'

/** An IAM policy document, as IAM takes it (JSON-serializable). */
export interface IamPolicyDocument {
  Version: '2012-10-17'
  Statement: Record<string, unknown>[]
}

/** `arn:{partition}:ecr:{region}:{account}:repository/{prefix}-*` for each region. */
export function repositoryPatterns(
  partition: string,
  regions: readonly string[],
  accountId: string,
  prefix: string,
): string[] {
  return regions.map(
    (region) => `arn:${partition}:ecr:${region}:${accountId}:repository/${prefix}-*`,
  )
}

/**
 * The regions whose `repository/{prefix}-*` of this partition and account a policy document
 * names as a `Resource`: the regions an inline policy of provisioning reached. Anything else the
 * document holds (or a document that is no policy) names none.
 */
export function policyRegions(
  policy: unknown,
  partition: string,
  accountId: string,
  prefix: string,
): string[] {
  const statements = (policy as { Statement?: unknown } | undefined)?.Statement
  const found = new Set<string>()
  for (const statement of Array.isArray(statements) ? statements : [statements]) {
    const resource = (statement as { Resource?: unknown } | undefined)?.Resource
    for (const arn of Array.isArray(resource) ? resource : [resource]) {
      if (typeof arn !== 'string') continue
      const [scheme, part, service, region, account, rest] = arn.split(':')
      const matches =
        scheme === 'arn' && part === partition && service === 'ecr' && account === accountId
      if (matches && region !== undefined && rest === `repository/${prefix}-*`) found.add(region)
    }
  }
  return [...found]
}

/** The trust policy of both roles: exactly `principals` may assume them. */
export function trustPolicy(principals: readonly string[]): IamPolicyDocument {
  return document([
    { Effect: 'Allow', Principal: { AWS: [...principals] }, Action: 'sts:AssumeRole' },
  ])
}

/**
 * The inline policy of the role of `permission`: the same statements the runtime's session policy
 * narrows to one repository, on every repository under the prefix.
 */
export function rolePolicy(
  permission: Permission,
  repositories: readonly string[],
): IamPolicyDocument {
  return document(permissionStatements(repositories, permission))
}

/** A policy document of these statements. */
export function document(statements: Record<string, unknown>[]): IamPolicyDocument {
  return { Version: '2012-10-17', Statement: statements }
}

/**
 * Whether two policy documents say the same: IAM may hand back a one-element list as a string,
 * and the order of actions, resources and principals means nothing.
 */
export function samePolicy(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b))
}

/** A policy document IAM returned (URL-encoded JSON), parsed; `undefined` when it is not JSON. */
export function parseReturnedPolicy(text: string | undefined): unknown {
  if (text === undefined) return undefined
  try {
    return JSON.parse(decodeURIComponent(text))
  } catch {
    return undefined
  }
}

// --- Internal ---

const LIST_FIELDS = new Set(['Action', 'NotAction', 'Resource', 'NotResource', 'AWS', 'Service'])

function canonical(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => canonical(v))
    return key === 'Statement' ? items : items.map((v) => JSON.stringify(v)).sort()
  }
  if (typeof value === 'string' && LIST_FIELDS.has(key)) return [JSON.stringify(value)]
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([x], [y]) => x.localeCompare(y))
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v, k)]))
  }
  return value
}
