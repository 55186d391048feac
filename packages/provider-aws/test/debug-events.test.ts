import { grantAndRefuse } from '@artifact-registry/test-kit'
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
    const { credentials, settled } = await grantAndRefuse(expect, registry, {
      platform: 'aws',
      logical,
      permission: 'pull',
    })
    expect(events.settled()).toEqual(settled)
    expect(JSON.stringify(events.all)).not.toContain(credentials.password)
  })
})
