import { describe, expect, it } from 'vitest'
import { isArtifactRegistryError } from './errors.js'
import { resolveTtl, TTL_RULES } from './ttl.js'

describe('resolveTtl', () => {
  it('uses the platform default when none is requested', () => {
    expect(resolveTtl(TTL_RULES.local)).toEqual({ seconds: 3600, clamped: false })
    expect(resolveTtl(TTL_RULES.azure)).toEqual({ seconds: 300, clamped: false })
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
    expect(TTL_RULES.local.defaultSeconds).toBe(3600)
  })
})
