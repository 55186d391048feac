import { describe, expect, it } from 'vitest'
import { mapError } from '../src/map-error.js'
import { SKU_RESOURCE_QUOTAS } from '../src/quota.js'

const context = { operation: 'create token', resource: 'web-app--pull' }

/** ARM's synchronous answer, as the SDK's RestError carries it. */
function restError(message: string): Error {
  return Object.assign(new Error(message), { code: 'QuotaExceeded', statusCode: 400 })
}

describe("ARM's QuotaExceeded", () => {
  it('states the per-SKU quota of scope maps, and of tokens', () => {
    expect(SKU_RESOURCE_QUOTAS).toEqual({ Basic: 100, Standard: 500, Premium: 50_000 })
  })

  it('is RATE_LIMITED, not retryable, naming the quota, the SKU’s limit and what to do', () => {
    const err = mapError(
      restError('Quota exceeded for resource type tokens for the registry SKU Premium.'),
      context,
    )
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryable: false, platform: 'azure' })
    expect(err.message).toContain(
      'create token "web-app--pull" failed: the registry\'s quota of tokens is used up (50,000 on Premium)',
    )
    expect(err.message).toMatch(/higher SKU/)
    expect(err.cause).toBeInstanceOf(Error)
  })

  it('is recognised in a failed long-running operation too', () => {
    const lro = new Error(
      'The long-running operation has failed. QuotaExceeded. Quota exceeded for resource type scopeMaps for the registry SKU Basic.',
    )
    const err = mapError(lro, { operation: 'create scope map', resource: 'web-app' })
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryable: false })
    expect(err.message).toMatch(/quota of scope maps is used up \(100 on Basic\)/)
  })

  it('names both quotas when ARM does not say which', () => {
    const err = mapError(restError('Quota exceeded.'), context)
    expect(err.message).toMatch(/quota of scope maps or tokens is used up\./)
  })

  it('leaves other 400s as INVALID_ARGUMENT', () => {
    const other = Object.assign(new Error('bad'), { code: 'InvalidRequest', statusCode: 400 })
    expect(mapError(other, context)).toMatchObject({ code: 'INVALID_ARGUMENT' })
  })
})
