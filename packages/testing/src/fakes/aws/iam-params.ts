import type { FakeResponse } from '../fake-server.js'
import { iamError } from './iam-wire.js'

/** IAM's role and inline-policy name grammar. */
const NAME = /^[\w+=,.@-]+$/
/** IAM's path grammar: `/`, or `/` printable ASCII `/`. */
const PATH = /^(\/|\/[\u0021-\u007e]+\/)$/
/** IAM's tag key and value characters (Unicode letters, separators, digits, `_.:/=+-@`). */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u
const MAX_TAGS = 50

/** A request parameter that failed IAM's model constraints, answered `ValidationError`. */
export function invalidParameter(name: string, value: unknown, constraint: string): FakeResponse {
  const shown = value === undefined ? 'null' : `'${String(value)}'`
  return iamError(
    'ValidationError',
    `1 validation error detected: Value ${shown} at '${name}' failed to satisfy constraint: ${constraint}`,
    400,
  )
}

/**
 * A role, policy or instance profile name (`[\w+=,.@-]+`, 1 to `max` characters), or the
 * `ValidationError`.
 */
export function nameParameter(
  form: URLSearchParams,
  param: 'RoleName' | 'PolicyName' | 'InstanceProfileName',
  max: number,
): string | FakeResponse {
  const value = form.get(param) ?? undefined
  const field = `${param.charAt(0).toLowerCase()}${param.slice(1)}`
  if (value === undefined) return invalidParameter(field, value, 'Member must not be null')
  if (value.length < 1 || value.length > max) {
    return invalidParameter(field, value, `Member must have length between 1 and ${max}`)
  }
  if (!NAME.test(value)) {
    return invalidParameter(
      field,
      value,
      'Member must satisfy regular expression pattern: [\\w+=,.@-]+',
    )
  }
  return value
}

/** A role path (default `/`), or the `ValidationError`. */
export function pathParameter(form: URLSearchParams): string | FakeResponse {
  const path = form.get('Path') ?? '/'
  if (path.length > 512 || !PATH.test(path)) {
    return invalidParameter(
      'path',
      path,
      'Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)',
    )
  }
  return path
}

/** A list action's `PathPrefix` (default `/`), or the `ValidationError`. */
export function pathPrefixParameter(form: URLSearchParams): string | FakeResponse {
  const prefix = form.get('PathPrefix') ?? '/'
  if (prefix.length < 1 || prefix.length > 512 || !/^\/[\u0021-\u007f]*$/.test(prefix)) {
    return invalidParameter(
      'pathPrefix',
      prefix,
      'Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*',
    )
  }
  return prefix
}

/** A required policy document parameter (1 to 131072 characters), or the `ValidationError`. */
export function documentParameter(
  form: URLSearchParams,
  param: 'AssumeRolePolicyDocument' | 'PolicyDocument',
): string | FakeResponse {
  const value = form.get(param) ?? undefined
  const field = param === 'PolicyDocument' ? 'policyDocument' : 'assumeRolePolicyDocument'
  if (value === undefined) return invalidParameter(field, value, 'Member must not be null')
  if (value.length < 1 || value.length > 131_072) {
    return invalidParameter(field, '…', 'Member must have length between 1 and 131072')
  }
  return value
}

/** `MaxSessionDuration` (3600 to 43200 seconds), `undefined` when absent, or the `ValidationError`. */
export function maxSessionParameter(form: URLSearchParams): number | undefined | FakeResponse {
  const raw = form.get('MaxSessionDuration')
  if (raw === null) return undefined
  const seconds = Number(raw)
  if (!Number.isInteger(seconds) || seconds < 3600 || seconds > 43_200) {
    return invalidParameter(
      'maxSessionDuration',
      raw,
      'Member must have value between 3600 and 43200',
    )
  }
  return seconds
}

/** `Tags.member.N.Key` / `.Value` in order, or the error IAM answers for bad tags. */
export function tagsParameter(form: URLSearchParams): Map<string, string> | FakeResponse {
  const tags = new Map<string, string>()
  for (let n = 1; form.has(`Tags.member.${n}.Key`); n++) {
    const key = form.get(`Tags.member.${n}.Key`) ?? ''
    const value = form.get(`Tags.member.${n}.Value`) ?? ''
    if (key.length < 1 || key.length > 128 || !TAG_TEXT.test(key)) {
      return invalidParameter(`tags.${n}.member.key`, key, 'Member must be a valid tag key')
    }
    if (value.length > 256 || !TAG_TEXT.test(value)) {
      return invalidParameter(`tags.${n}.member.value`, value, 'Member must be a valid tag value')
    }
    if (key.toLowerCase().startsWith('aws:')) {
      return iamError('InvalidInput', 'Tag keys starting with aws: are reserved by AWS', 400)
    }
    // IAM role tag keys ignore case (its case is kept): `Team` and `team` are one key.
    if (findTagKey(tags, key) !== undefined)
      return iamError('InvalidInput', 'Duplicate tag keys found.', 400)
    tags.set(key, value)
  }
  if (tags.size > MAX_TAGS) return tooManyTags()
  return tags
}

/** The key of `tags` that is `key` for IAM, whose role tag keys ignore case. */
export function findTagKey(tags: ReadonlyMap<string, string>, key: string): string | undefined {
  const folded = key.toLowerCase()
  for (const existing of tags.keys()) if (existing.toLowerCase() === folded) return existing
  return undefined
}

/** IAM's answer when a role would hold more than 50 tags. */
export function tooManyTags(): FakeResponse {
  return iamError(
    'LimitExceeded',
    `The number of tags has reached the maximum limit of ${MAX_TAGS}.`,
    409,
  )
}

/** Whether a role would hold more tags than IAM allows. */
export function exceedsTagLimit(count: number): boolean {
  return count > MAX_TAGS
}

/** Whether a handler got an answer to send instead of a value. */
export function isAnswer(value: unknown): value is FakeResponse {
  return typeof value === 'object' && value !== null && 'status' in value && !(value instanceof Map)
}
