import { tracingChannel } from 'node:diagnostics_channel'
import { OPERATION_CHANNEL, type OperationEvent, type Permission } from '@artifact-registry/core'
import { startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROJECT, providerFor, provisionGarRepository } from './helpers.js'

const fake = await startGcpFake()
afterAll(() => fake.close())
const { repository } = provisionGarRepository(fake)

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

describe('gcp() publishes debug events', () => {
  it('for every operation, with the error code on failure and never the token', async () => {
    await using registry = await providerFor(fake, repository)
    const { name } = await registry.createRepository('events')
    const credentials = await registry.generateCredentials(name, 'push-pull')
    await expect(registry.generateCredentials(name, 'admin' as Permission)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    expect(name).toBe(`${PROJECT}/${repository}/events`)
    expect(settled()).toEqual([
      { platform: 'gcp', operation: 'createRepository', repository: 'events' },
      {
        platform: 'gcp',
        operation: 'generateCredentials',
        repository: name,
        permission: 'push-pull',
      },
      {
        platform: 'gcp',
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
