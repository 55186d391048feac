import type { LroStyle } from '@artifact-registry/testing/fakes/azure'
import { describe, expect, it } from 'vitest'
import { scopeMapName } from '../src/scope-map.js'
import { fakeProvider, startStrictAzureFake } from './fixtures.js'

const POLLS: Record<LroStyle, string | undefined> = {
  'azure-async-operation': 'operationStatuses.get',
  location: 'operationResults.get',
  immediate: undefined,
}

describe('ARM long-running operations', () => {
  it.each(Object.entries(POLLS) as [LroStyle, string | undefined][])(
    '%s: create and delete wait for the operation to finish',
    async (style, pollOperation) => {
      await using fake = await startStrictAzureFake({ lroStyle: style, pollsBeforeDone: 3 })
      const registry = await fakeProvider(fake)
      const created = await registry.createRepository('lro-app')
      const map = fake.getScopeMaps().find((m) => m.name === 'lro-app')
      // Resolved only once the operation succeeded: the scope map is provisioned, the uri ready.
      expect(map?.provisioningState).toBe('Succeeded')
      expect(created.uri).toBe(`${fake.loginServer}/lro-app`)
      await registry.deleteRepository(created.name)
      expect(fake.getScopeMaps()).toHaveLength(0)
      const polls = pollOperation === undefined ? [] : fake.requestsFor(pollOperation)
      // 3 "in progress" answers and the terminal one, for the create and for the delete.
      expect(polls).toHaveLength(pollOperation === undefined ? 0 : 8)
    },
  )

  it.each(['azure-async-operation', 'location', 'immediate'] as const)(
    '%s: a failed operation is an error, mapped from its ARM code, and leaves nothing behind',
    async (style) => {
      await using fake = await startStrictAzureFake({ lroStyle: style })
      const registry = await fakeProvider(fake, { maxRetries: 0 })
      fake.inject('scopeMaps.create', {
        operationFailure: {
          code: 'Conflict',
          message: 'Another operation is in progress',
          status: 409,
        },
      })
      await expect(registry.createRepository('failing-app')).rejects.toMatchObject({
        code: 'CONFLICT',
        platform: 'azure',
      })
      expect(fake.getScopeMaps()).toHaveLength(0)
    },
  )

  it('retries a failed operation that reports an outage, then succeeds', async () => {
    await using fake = await startStrictAzureFake({ lroStyle: 'azure-async-operation' })
    const registry = await fakeProvider(fake, { clock: { now: Date.now, sleep: async () => {} } })
    fake.inject('scopeMaps.create', {
      operationFailure: { code: 'InternalServerError', message: 'oops' },
    })
    const created = await registry.createRepository('second-try')
    expect(created.name).toBe('second-try')
    expect(fake.requestsFor('scopeMaps.create')).toHaveLength(2)
    expect(fake.getScopeMaps().map((m) => m.name)).toEqual([scopeMapName('second-try')])
  })

  it('polls at the configured interval', async () => {
    await using fake = await startStrictAzureFake({ lroStyle: 'location', pollsBeforeDone: 2 })
    const registry = await fakeProvider(fake, { pollIntervalMs: 150 })
    await registry.createRepository('paced-app')
    const times = fake.requests
      .filter((r) => r.operation === 'scopeMaps.create' || r.operation === 'operationResults.get')
      .map((r) => r.time.getTime())
    expect(times).toHaveLength(4)
    // The SDK polls once right after the initial answer, then waits the interval between polls.
    // Never sooner than asked; and well under the SDK's own 2000 ms, so the option is in effect.
    for (let i = 2; i < times.length; i++) {
      const gap = (times[i] ?? 0) - (times[i - 1] ?? 0)
      expect(gap).toBeGreaterThanOrEqual(140)
      expect(gap).toBeLessThan(1900)
    }
  })
})
