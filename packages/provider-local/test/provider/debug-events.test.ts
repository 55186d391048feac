import { randomBytes } from 'node:crypto'
import { startLocalRegistry } from '@artifact-registry/registry-server'
import { recordOperationEvents } from '@artifact-registry/testing'
import { describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'

describe('local() publishes debug events', () => {
  it('for every operation of the embedded registry, without a password', async () => {
    using events = recordOperationEvents()
    const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
    const registry = await local({ bindingName: 'events', adminCredentials: admin })
    const { name } = await registry.createRepository('app')
    const credentials = await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 60 })
    await expect(registry.getRepository('events/missing')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    expect(await registry.listRepositories({ prefix: 'app' })).toHaveLength(1)
    await registry.close()

    expect(events.settled()).toEqual([
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
      { platform: 'local', operation: 'listRepositories' },
      { platform: 'local', operation: 'close' },
    ])
    const published = JSON.stringify(events.all)
    expect(published).not.toContain(credentials.password)
    expect(published).not.toContain(admin.password)
  })

  it('for a registry by URL too', async () => {
    using events = recordOperationEvents()
    const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
    await using server = await startLocalRegistry({ adminCredentials: admin })
    await using registry = await local({ url: server.url, adminCredentials: admin })
    await registry.createRepository('app')
    expect(events.all.map(([kind, event]) => `${kind} ${event.operation}`)).toEqual([
      'start createRepository',
      'end createRepository',
      'asyncStart createRepository',
      'asyncEnd createRepository',
    ])
    expect(JSON.stringify(events.all)).not.toContain(admin.password)
  })
})
