import { describe, expect, it } from 'vitest'
import { RateLimiter, SKU_RATE_LIMITS } from '../src/rate-limiter.js'
import { FakeClock, fakeProvider, startStrictAzureFake } from './fixtures.js'

/** Most calls that started in any 60 s window. */
function busiestMinute(starts: readonly number[]): number {
  return Math.max(...starts.map((t) => starts.filter((s) => s >= t && s < t + 60_000).length))
}

describe('RateLimiter', () => {
  it('has the per-minute limits of each SKU', () => {
    expect(SKU_RATE_LIMITS).toEqual({
      Basic: { readsPerMinute: 1_000, writesPerMinute: 10 },
      Standard: { readsPerMinute: 3_000, writesPerMinute: 100 },
      Premium: { readsPerMinute: 10_000, writesPerMinute: 2_000 },
    })
  })

  it('keeps a Basic registry at ≤ 10 writes per minute under a burst of 50', async () => {
    const clock = new FakeClock()
    const limiter = new RateLimiter(SKU_RATE_LIMITS.Basic, clock)
    const start = clock.now()
    const starts: number[] = []
    const order: number[] = []
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        limiter.acquire('write').then(() => {
          starts.push(clock.now() - start)
          order.push(i)
        }),
      ),
    )
    expect(busiestMinute(starts)).toBe(10)
    // No needless waiting: 10 at once, then 10 more each minute, in arrival order.
    expect(starts.slice(0, 10)).toEqual(Array(10).fill(0))
    expect(starts[10]).toBe(60_000)
    expect(starts.at(-1)).toBe(4 * 60_000)
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i))
  })

  it('counts reads and writes separately', async () => {
    const clock = new FakeClock()
    const limiter = new RateLimiter({ readsPerMinute: 3, writesPerMinute: 1 }, clock)
    for (let i = 0; i < 3; i++) await limiter.acquire('read')
    await limiter.acquire('write')
    expect(clock.sleeps).toEqual([])
    await limiter.acquire('write')
    expect(clock.sleeps).toEqual([60_000])
  })

  it('frees a slot as soon as its call leaves the 60 s window', async () => {
    const clock = new FakeClock()
    const limiter = new RateLimiter({ readsPerMinute: 100, writesPerMinute: 2 }, clock)
    await limiter.acquire('write')
    clock.time += 45_000
    await limiter.acquire('write')
    await limiter.acquire('write')
    expect(clock.sleeps).toEqual([15_000])
  })

  it('does not limit when rateLimits is false', async () => {
    const clock = new FakeClock()
    const limiter = new RateLimiter(false, clock)
    await Promise.all(Array.from({ length: 500 }, () => limiter.acquire('write')))
    expect(clock.sleeps).toEqual([])
  })
})

describe('the provider paces writes by SKU', () => {
  it('a Basic registry waits before the 11th scope-map write of a minute', async () => {
    await using fake = await startStrictAzureFake({ lroStyle: 'immediate' })
    const clock = new FakeClock()
    const registry = await fakeProvider(fake, { sku: 'Basic', clock })
    for (let i = 0; i < 10; i++) await registry.createRepository(`basic-app-${i}`)
    expect(clock.sleeps).toEqual([])
    await registry.createRepository('basic-app-10')
    expect(clock.sleeps).toEqual([60_000])
    expect(fake.requestsFor('scopeMaps.create')).toHaveLength(11)
  })

  it('a Standard registry does not wait for 11 writes', async () => {
    await using fake = await startStrictAzureFake({ lroStyle: 'immediate' })
    const clock = new FakeClock()
    const registry = await fakeProvider(fake, { sku: 'Standard', clock })
    for (let i = 0; i < 11; i++) await registry.createRepository(`standard-app-${i}`)
    expect(clock.sleeps).toEqual([])
  })
})
