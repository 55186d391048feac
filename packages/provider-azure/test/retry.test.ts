import { describe, expect, it } from 'vitest'
import { FakeClock, fakeProvider, startStrictAzureFake } from './fixtures.js'

describe('retries on 429 and 5xx', () => {
  it('waits exactly Retry-After on an ARM 429, then succeeds', async () => {
    // Immediate LROs: no final GET of the created scope map to blur the count of reads.
    await using fake = await startStrictAzureFake({ lroStyle: 'immediate' })
    const clock = new FakeClock()
    const registry = await fakeProvider(fake, { clock })
    fake.inject('scopeMaps.get', 'throttling', { times: 2, retryAfterSeconds: 7 })
    await expect(registry.createRepository('throttled-app')).resolves.toMatchObject({
      name: 'throttled-app',
    })
    expect(clock.sleeps).toEqual([7000, 7000])
    expect(fake.requestsFor('scopeMaps.get')).toHaveLength(3)
  })

  it('honours Retry-After on the ACR token endpoint too', async () => {
    await using fake = await startStrictAzureFake()
    const clock = new FakeClock()
    const registry = await fakeProvider(fake, { clock })
    const { name } = await registry.createRepository('token-app')
    fake.inject('acr.token', 'throttling', { retryAfterSeconds: 2 })
    await expect(registry.generateCredentials(name, 'pull')).resolves.toMatchObject({
      authMethod: 'basic',
    })
    expect(clock.sleeps).toEqual([2000])
  })

  it('is bounded: gives up with RATE_LIMITED after maxRetries', async () => {
    await using fake = await startStrictAzureFake()
    const clock = new FakeClock()
    const registry = await fakeProvider(fake, { clock, maxRetries: 3 })
    fake.inject('scopeMaps.get', 'throttling', { times: 100, retryAfterSeconds: 1 })
    await expect(registry.createRepository('always-throttled')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
    })
    expect(fake.requestsFor('scopeMaps.get')).toHaveLength(4)
    expect(clock.sleeps).toEqual([1000, 1000, 1000])
  })

  it('fails at once when Retry-After is longer than maxRetryDelayMs', async () => {
    await using fake = await startStrictAzureFake()
    const clock = new FakeClock()
    const registry = await fakeProvider(fake, { clock, maxRetryDelayMs: 30_000 })
    fake.inject('scopeMaps.get', 'throttling', { retryAfterSeconds: 3600 })
    await expect(registry.createRepository('long-wait')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    })
    expect(clock.sleeps).toEqual([])
    expect(fake.requestsFor('scopeMaps.get')).toHaveLength(1)
  })

  it('backs off exponentially on 5xx without Retry-After', async () => {
    await using fake = await startStrictAzureFake()
    const clock = new FakeClock()
    const registry = await fakeProvider(fake, { clock })
    fake.inject('scopeMaps.get', 'unavailable', { times: 2 })
    await registry.createRepository('flaky-app')
    expect(clock.sleeps).toEqual([500, 1000])
  })

  it('does not retry what a retry cannot fix (403)', async () => {
    await using fake = await startStrictAzureFake()
    const clock = new FakeClock()
    const registry = await fakeProvider(fake, { clock })
    const { name } = await registry.createRepository('forbidden-app')
    fake.inject('acr.token', 'access-denied', { times: 5 })
    await expect(registry.generateCredentials(name, 'pull')).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    })
    expect(fake.requestsFor('acr.token')).toHaveLength(1)
    expect(clock.sleeps).toEqual([])
  })
})
