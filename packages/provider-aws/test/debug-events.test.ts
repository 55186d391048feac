import type { Permission } from '@artifact-registry/core'
import { recordOperationEvents } from '@artifact-registry/testing'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, describe, expect, it } from 'vitest'
import { providerFor, uniqueLogical } from './helpers.js'

const fake = await startAwsFake()
afterAll(() => fake.close())

describe('aws() publishes debug events', () => {
  it('for every operation, with the error code on failure and never the password', async () => {
    using events = recordOperationEvents()
    await using registry = await providerFor(fake)
    const logical = uniqueLogical('events')
    const { name } = await registry.createRepository(logical)
    const credentials = await registry.generateCredentials(name, 'pull')
    await expect(registry.generateCredentials(name, 'admin' as Permission)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    expect(events.settled()).toEqual([
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
    expect(JSON.stringify(events.all)).not.toContain(credentials.password)
  })
})
