import { randomBytes } from 'node:crypto'
import { tracingChannel } from 'node:diagnostics_channel'
import { OPERATION_CHANNEL, type OperationEvent } from '@artifact-registry/core'
import { startLocalRegistry } from '@artifact-registry/registry-server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'

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

describe('local() publishes debug events', () => {
  it('for every operation of the embedded registry, without a password', async () => {
    const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
    const registry = await local({ bindingName: 'events', adminCredentials: admin })
    const { name } = await registry.createRepository('app')
    const credentials = await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 60 })
    await expect(registry.getRepository('events/missing')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    await registry.close()

    expect(seen.filter(([kind]) => kind === 'asyncEnd').map(([, event]) => event)).toEqual([
      { platform: 'local', operation: 'createRepository', repository: 'app' },
      {
        platform: 'local',
        operation: 'generateCredentials',
        repository: 'events/app',
        permission: 'push-pull',
      },
      {
        platform: 'local',
        operation: 'getRepository',
        repository: 'events/missing',
        errorCode: 'NOT_FOUND',
        errorName: 'ArtifactRegistryError',
        errorMessage: expect.any(String),
      },
      { platform: 'local', operation: 'close' },
    ])
    const published = JSON.stringify(seen)
    expect(published).not.toContain(credentials.password)
    expect(published).not.toContain(admin.password)
  })

  it('for a registry by URL too', async () => {
    const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
    await using server = await startLocalRegistry({ adminCredentials: admin })
    await using registry = await local({ url: server.url, adminCredentials: admin })
    await registry.createRepository('app')
    expect(seen.map(([kind, event]) => `${kind} ${event.operation}`)).toEqual([
      'start createRepository',
      'end createRepository',
      'asyncStart createRepository',
      'asyncEnd createRepository',
    ])
    expect(JSON.stringify(seen)).not.toContain(admin.password)
  })
})
