import { tracingChannel } from 'node:diagnostics_channel'
import { OPERATION_CHANNEL, type OperationEvent } from '@artifact-registry/core'
import { describe, expect, it } from 'vitest'
import { recordOperationEvents } from '../src/index.js'

const channel = tracingChannel<unknown, OperationEvent>(OPERATION_CHANNEL)

describe('recordOperationEvents', () => {
  it('records every phase with a copy of the event, settled() the finished ones, until stopped', async () => {
    const events = recordOperationEvents()
    const event: OperationEvent = { platform: 'test', operation: 'getRepository', repository: 'a' }
    await channel.tracePromise(async () => {}, event)
    await expect(
      channel.tracePromise(async () => Promise.reject(new Error('boom')), {
        ...event,
        repository: 'b',
      }),
    ).rejects.toThrow('boom')
    expect(events.all.map(([phase, seen]) => `${phase} ${seen.repository}`)).toEqual([
      'start a',
      'end a',
      'asyncStart a',
      'asyncEnd a',
      'start b',
      'end b',
      'error b',
      'asyncStart b',
      'asyncEnd b',
    ])
    // The channel adds `result` to the object it publishes; the first copy was taken before that.
    expect(events.all[0]?.[1]).toStrictEqual({
      platform: 'test',
      operation: 'getRepository',
      repository: 'a',
    })
    expect(events.settled().map((seen) => seen.repository)).toEqual(['a', 'b'])
    events.stop()
    await channel.tracePromise(async () => {}, event)
    expect(events.all).toHaveLength(9)
  })

  it('stops when disposed', async () => {
    let outer: ReturnType<typeof recordOperationEvents> | undefined
    {
      using events = recordOperationEvents()
      outer = events
    }
    await channel.tracePromise(async () => {}, { platform: 'test', operation: 'close' })
    expect(outer.all).toEqual([])
  })
})
