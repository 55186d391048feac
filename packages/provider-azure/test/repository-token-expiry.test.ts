import { startAzureFake } from '@artifact-registry/testing/fakes/azure'
import { describe, expect, it } from 'vitest'
import { FakeClock, fakeProvider } from './fixtures.js'

// The password stops working at the expiry ARM answers for it, so that is what expiresAt must say:
// never the request, which the provider would then be reporting as a guess.
describe('repository-token mode: expiresAt', () => {
  it('is the expiry ARM answers for the new password, even a later one than asked', async () => {
    const clock = new FakeClock(Date.UTC(2031, 5, 1))
    await using fake = await startAzureFake()
    await using registry = await fakeProvider(fake, { credentials: 'repository-token', clock })
    const { name } = await registry.createRepository('web-app')
    const later = new Date(clock.time + 2 * 3_600_000)
    // ARM finishes the operation at once, with a password that lives an hour longer.
    fake.inject('registries.generateCredentials', {
      status: 200,
      body: {
        username: 'web-app--pull',
        passwords: [{ name: 'password1', value: 'from-arm', expiry: later.toISOString() }],
      },
    })
    const credentials = await registry.generateCredentials(name, 'pull', { ttlSeconds: 3600 })
    expect(credentials.password).toBe('from-arm')
    expect(credentials.expiresAt).toEqual(later)
  })
})
