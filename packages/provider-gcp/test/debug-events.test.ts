import { grantAndRefuse } from '@artifact-registry/test-kit'
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
    const { name, credentials, settled } = await grantAndRefuse(expect, registry, {
      platform: 'gcp',
      logical: 'events',
      permission: 'push-pull',
    })
    expect(name).toBe(`${PROJECT}/${repository}/events`)
    expect(events.settled()).toEqual(settled)
    expect(JSON.stringify(events.all)).not.toContain(credentials.password)
  })
})
