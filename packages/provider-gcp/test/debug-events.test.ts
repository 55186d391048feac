import type { Permission } from '@artifact-registry/core'
import { recordOperationEvents } from '@artifact-registry/testing'
import { startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { afterAll, describe, expect, it } from 'vitest'
import { KNOWN_IDENTITIES, PROJECT, providerFor, provisionGarRepository } from './helpers.js'

const fake = await startGcpFake(KNOWN_IDENTITIES)
afterAll(() => fake.close())
const { repository } = provisionGarRepository(fake)

describe('gcp() publishes debug events', () => {
  it('for every operation, with the error code on failure and never the token', async () => {
    using events = recordOperationEvents()
    await using registry = await providerFor(fake, repository)
    const { name } = await registry.createRepository('events')
    const credentials = await registry.generateCredentials(name, 'push-pull')
    await expect(registry.generateCredentials(name, 'admin' as Permission)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    expect(name).toBe(`${PROJECT}/${repository}/events`)
    expect(events.settled()).toEqual([
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
    expect(JSON.stringify(events.all)).not.toContain(credentials.password)
  })
})
