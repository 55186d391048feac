import { describe, expect, it } from 'vitest'
import { lifetimeMismatch, observedLifetime, timed } from '../../src/live/lifetime.js'

const call = { startedAt: 1_000_000, endedAt: 1_002_000 }

describe('lifetimes', () => {
  it('are a range: from the end of the call and from its start', () => {
    expect(observedLifetime(new Date(1_000_000 + 900_000), call)).toEqual({
      shortestSeconds: 898,
      longestSeconds: 900,
    })
  })

  it('match the expected lifetime within the range widened by the skew', () => {
    const expiresAt = new Date(1_000_000 + 900_000)
    expect(lifetimeMismatch(expiresAt, call, 900, 0)).toBeUndefined()
    expect(lifetimeMismatch(expiresAt, call, 898, 0)).toBeUndefined()
    expect(lifetimeMismatch(expiresAt, call, 960, 60)).toBeUndefined()
    expect(lifetimeMismatch(expiresAt, call, 961, 60)).toBe(
      'expected a lifetime of 961 s (± 60 s), observed 898–900 s (expires 1970-01-01T00:31:40.000Z)',
    )
    expect(lifetimeMismatch(expiresAt, call, 837, 60)).toMatch(/^expected a lifetime of 837 s/)
  })

  it('time a call by this machine’s clock', async () => {
    const result = await timed(async () => 'value')
    expect(result.value).toBe('value')
    expect(result.endedAt).toBeGreaterThanOrEqual(result.startedAt)
  })
})
