import type { Permission } from '@artifact-registry/core'
import { recordOperationEvents } from '@artifact-registry/testing'
import { describe, expect, it } from 'vitest'
import { fromBinding } from '../src/index.js'
import { fakeProvider, startStrictAzureFake } from './fixtures.js'

describe('azure() publishes debug events', () => {
  it('for every operation, with the error code on failure and never the token', async () => {
    using events = recordOperationEvents()
    await using fake = await startStrictAzureFake()
    await using registry = await fakeProvider(fake)
    const { name } = await registry.createRepository('events')
    const credentials = await registry.generateCredentials(name, 'pull')
    await expect(registry.generateCredentials(name, 'admin' as Permission)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    expect(events.settled()).toEqual([
      { platform: 'azure', operation: 'createRepository', repository: 'events' },
      { platform: 'azure', operation: 'generateCredentials', repository: name, permission: 'pull' },
      {
        platform: 'azure',
        operation: 'generateCredentials',
        repository: name,
        errorCode: 'INVALID_ARGUMENT',
        errorName: 'ArtifactRegistryError',
        errorMessage: expect.any(String),
      },
    ])
    expect(JSON.stringify(events.all)).not.toContain(credentials.password)
  })

  it('from fromBinding too', async () => {
    using events = recordOperationEvents()
    const registry = await fromBinding({
      platform: 'azure',
      subscriptionId: '00000000-0000-4000-8000-000000000000',
      resourceGroup: 'rg-apps',
      registryName: 'acmeapps',
    })
    // Fails on the argument, before any credential or network is touched.
    await expect(registry.getRepository('')).rejects.toMatchObject({ code: 'INVALID_NAME' })
    expect(events.settled()).toEqual([
      expect.objectContaining({
        platform: 'azure',
        operation: 'getRepository',
        errorCode: 'INVALID_NAME',
      }),
    ])
  })
})
