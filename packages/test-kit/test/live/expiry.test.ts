import { describe, expect, it, vi } from 'vitest'
import { waitUntil, waitUntilExpired } from '../../src/live/expiry.js'

const NOW = Date.UTC(2030, 0, 1)
const clock = { now: () => NOW }

describe('waitUntilExpired', () => {
  it('sleeps until expiresAt plus the margin (30 s by default)', async () => {
    const sleep = vi.fn(async () => {})
    await waitUntilExpired({ expiresAt: new Date(NOW + 60_000) }, { ...clock, sleep })
    await waitUntilExpired({ expiresAt: new Date(NOW + 60_000) }, { ...clock, sleep, marginMs: 0 })
    expect(sleep.mock.calls).toEqual([[90_000], [60_000]])
  })

  it('returns at once for credentials already expired', async () => {
    const sleep = vi.fn(async () => {})
    await waitUntilExpired({ expiresAt: new Date(NOW - 60_000) }, { ...clock, sleep })
    expect(sleep).not.toHaveBeenCalled()
  })

  it('refuses credentials without an expiry: there is nothing to wait for', async () => {
    await expect(waitUntilExpired({ expiresAt: null })).rejects.toThrow(TypeError)
    await expect(waitUntilExpired({ expiresAt: new Date(Number.NaN) })).rejects.toThrow(TypeError)
  })

  it('refuses, before sleeping, a wait longer than maxWaitMs', async () => {
    const sleep = vi.fn(async () => {})
    const expiresAt = new Date(NOW + 75 * 60_000)
    await expect(
      waitUntilExpired({ expiresAt }, { ...clock, sleep, marginMs: 0, maxWaitMs: 60 * 60_000 }),
    ).rejects.toThrow(
      '2030-01-01T01:15:00.000Z is 75.0 min away: more than this lane waits (60.0 min)',
    )
    expect(sleep).not.toHaveBeenCalled()
  })

  it('really waits with the default sleep', async () => {
    const started = Date.now()
    await waitUntil(started + 50)
    expect(Date.now() - started).toBeGreaterThanOrEqual(49)
  })
})
