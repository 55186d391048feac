import { tracingChannel } from 'node:diagnostics_channel'
import { OPERATION_CHANNEL, type OperationEvent, type Permission } from '@artifact-registry/core'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { providerFor, uniqueLogical } from './helpers.js'

const fake = await startAwsFake()
afterAll(() => fake.close())

const channel = tracingChannel<unknown, OperationEvent>(OPERATION_CHANNEL)
let seen: [kind: string, event: OperationEvent][] = []
const on = (kind: string) => (event: OperationEvent) => {
  seen.push([kind, { ...event }])
}
const handlers = {
  start: on('start'),
  end: on('end'),
  asyncStart: on('asyncStart'),
  asyncEnd: on('asyncEnd'),
  error: on('error'),
}
beforeEach(() => {
  seen = []
  channel.subscribe(handlers)
})
afterEach(() => {
  channel.unsubscribe(handlers)
})

const settled = (): OperationEvent[] =>
  seen.filter(([kind]) => kind === 'asyncEnd').map(([, event]) => event)

describe('aws() publishes debug events', () => {
  it('for every operation, with the error code on failure and never the password', async () => {
    await using registry = await providerFor(fake)
    const logical = uniqueLogical('events')
    const { name } = await registry.createRepository(logical)
    const credentials = await registry.generateCredentials(name, 'pull')
    await expect(registry.generateCredentials(name, 'admin' as Permission)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    expect(settled()).toEqual([
      { platform: 'aws', operation: 'createRepository', repository: logical },
      { platform: 'aws', operation: 'generateCredentials', repository: name, permission: 'pull' },
      {
        platform: 'aws',
        operation: 'generateCredentials',
        repository: name,
        errorCode: 'INVALID_ARGUMENT',
        errorName: 'ArtifactRegistryError',
        errorMessage: expect.any(String),
      },
    ])
    expect(JSON.stringify(seen)).not.toContain(credentials.password)
  })
})
