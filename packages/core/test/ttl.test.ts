import { describe, expect, it } from 'vitest'
import { isArtifactRegistryError } from '../src/errors.js'
import { resolveCredentialTtl, resolveTtl, TTL_RULES } from '../src/ttl.js'

describe('resolveTtl', () => {
  it('uses the platform default when none is requested', () => {
    expect(resolveTtl(TTL_RULES.local)).toEqual({ seconds: 3600, clamped: false })
    expect(resolveTtl(TTL_RULES.azure)).toEqual({ seconds: 4500, clamped: false })
  })

  it('keeps a request inside the limits exactly', () => {
    expect(resolveTtl(TTL_RULES.local, 2)).toEqual({ seconds: 2, clamped: false })
    expect(resolveTtl(TTL_RULES.aws, 1800)).toEqual({ seconds: 1800, clamped: false })
  })

  it('clamps to the platform limits', () => {
    expect(resolveTtl(TTL_RULES.gcp, 7200)).toEqual({ seconds: 3600, clamped: true })
    expect(resolveTtl(TTL_RULES.aws, 60)).toEqual({ seconds: 900, clamped: true })
    expect(resolveTtl(TTL_RULES.aws, 86_400)).toEqual({ seconds: 43_200, clamped: true })
    expect(resolveTtl(TTL_RULES.local, 30 * 24 * 3600).seconds).toBe(7 * 24 * 3600)
  })

  // An integer past 2^53 is still a whole number of seconds, only a long one: it is clamped like
  // any other request beyond the limit, not refused as though it were no integer.
  it.each([2 ** 53, 1e21, Number.MAX_VALUE])('clamps the whole number %s to the maximum', (ttl) => {
    expect(resolveTtl(TTL_RULES.gcp, ttl)).toEqual({ seconds: 3600, clamped: true })
    expect(resolveCredentialTtl(TTL_RULES.local, { ttlSeconds: ttl })).toEqual({
      seconds: 7 * 24 * 3600,
      clamped: true,
    })
  })

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '60' as unknown as number])(
    'rejects %s with INVALID_ARGUMENT',
    (ttl) => {
      expect(() => resolveTtl(TTL_RULES.gcp, ttl, 'gcp')).toThrowError(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', platform: 'gcp' }),
      )
      try {
        resolveTtl(TTL_RULES.gcp, ttl)
      } catch (err) {
        expect(isArtifactRegistryError(err, 'INVALID_ARGUMENT')).toBe(true)
      }
    },
  )

  it('states the documented limits', () => {
    expect(TTL_RULES.gcp.maxSeconds).toBe(3600)
    expect(TTL_RULES.aws.maxSeconds).toBe(12 * 3600)
    expect(TTL_RULES.azure.honoursRequest).toBe(false)
    // ACR sets its tokens' lifetime: Microsoft's example lives 75 minutes, az acr login's 3 hours.
    expect(TTL_RULES.azure).toMatchObject({ defaultSeconds: 4500, maxSeconds: 3 * 3600 })
    expect(TTL_RULES.local.defaultSeconds).toBe(3600)
  })

  it('honours an ACR token password expiry exactly, from a minute to 7 days', () => {
    const rule = TTL_RULES['azure-repository-token']
    expect(rule.honoursRequest).toBe(true)
    expect(resolveTtl(rule)).toEqual({ seconds: 3600, clamped: false })
    expect(resolveTtl(rule, 61)).toEqual({ seconds: 61, clamped: false })
    expect(resolveTtl(rule, 1)).toEqual({ seconds: 60, clamped: true })
    expect(resolveTtl(rule, 30 * 24 * 3600)).toEqual({ seconds: 7 * 24 * 3600, clamped: true })
  })
})

describe('TTL_RULES', () => {
  it.each(Object.entries(TTL_RULES))(
    '%s: the default lies within the minimum and the maximum',
    (_, rule) => {
      // A default above the maximum would mint, unasked, longer than the platform allows.
      expect(rule.minSeconds).toBeGreaterThan(0)
      expect(rule.defaultSeconds).toBeGreaterThanOrEqual(rule.minSeconds)
      expect(rule.defaultSeconds).toBeLessThanOrEqual(rule.maxSeconds)
      expect(resolveTtl(rule, undefined)).toEqual({ seconds: rule.defaultSeconds, clamped: false })
    },
  )
})

describe('resolveCredentialTtl', () => {
  function message(fn: () => unknown): string {
    try {
      fn()
    } catch (err) {
      if (isArtifactRegistryError(err, 'INVALID_ARGUMENT')) return err.message
      throw err
    }
    throw new Error('expected INVALID_ARGUMENT')
  }

  it('resolves an absent, empty or filled options object like resolveTtl', () => {
    expect(resolveCredentialTtl(TTL_RULES.aws, undefined)).toEqual({
      seconds: 3600,
      clamped: false,
    })
    expect(resolveCredentialTtl(TTL_RULES.aws, {})).toEqual({ seconds: 3600, clamped: false })
    expect(resolveCredentialTtl(TTL_RULES.aws, { ttlSeconds: undefined }).seconds).toBe(3600)
    expect(resolveCredentialTtl(TTL_RULES.aws, { ttlSeconds: 60 })).toEqual({
      seconds: 900,
      clamped: true,
    })
    expect(resolveCredentialTtl(TTL_RULES.local, Object.create(null)).seconds).toBe(3600)
  })

  it('refuses a TTL passed in place of the options, naming the expected shape', () => {
    expect(message(() => resolveCredentialTtl(TTL_RULES.aws, 60, 'aws'))).toBe(
      '[provider-aws] options must be an object like { ttlSeconds: 900 }, got number 60',
    )
    expect(message(() => resolveCredentialTtl(TTL_RULES.gcp, '60'))).toBe(
      '[core] options must be an object like { ttlSeconds: 900 }, got string "60"',
    )
  })

  it.each([
    [null, 'got null'],
    [[60], 'got array'],
    [true, 'got boolean true'],
    [new Date(0), 'got object Date'],
    [() => 60, 'got function'],
  ])('refuses options %s', (options, got) => {
    expect(message(() => resolveCredentialTtl(TTL_RULES.local, options, 'local'))).toMatch(
      new RegExp(`^\\[provider-local\\] options must be an object .*${got}$`),
    )
  })

  it('reports a string TTL as a string', () => {
    expect(message(() => resolveCredentialTtl(TTL_RULES.gcp, { ttlSeconds: '60' }, 'gcp'))).toBe(
      '[provider-gcp] ttlSeconds must be a positive integer, got string "60"',
    )
    expect(message(() => resolveTtl(TTL_RULES.gcp, 1.5))).toBe(
      '[core] ttlSeconds must be a positive integer, got number 1.5',
    )
  })

  it('refuses a misspelt option instead of giving the default lifetime', () => {
    expect(message(() => resolveCredentialTtl(TTL_RULES.aws, { ttl: 60 }, 'aws'))).toBe(
      '[provider-aws] unknown option "ttl": the only option is ttlSeconds',
    )
  })

  it('never echoes a string that could be a secret', () => {
    const text = message(() => resolveCredentialTtl(TTL_RULES.local, 'hunter2-secret'))
    expect(text).not.toContain('hunter2')
    expect(text).toContain('got string of 14 characters')
  })
})
