import { randomBytes } from 'node:crypto'
import { createArtifactRegistry } from '@artifact-registry/core'
import { startLocalRegistry } from '@artifact-registry/registry-server'
import { describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'

// Every call to a registry by URL is made with the admin credential, so its 401 means the
// credential is wrong or missing: the message says so, rather than only "answered 401".

describe('a registry by URL that refuses the admin credential', () => {
  it('is UNAUTHENTICATED naming the admin credential, whether wrong or missing', async () => {
    const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
    await using server = await startLocalRegistry({ adminCredentials: admin })
    await using wrong = await local({
      url: server.url,
      adminCredentials: { username: 'admin', password: 'not-the-password' },
    })
    await using missing = await local({ url: server.url })
    for (const call of [
      () => wrong.listRepositories(),
      () => wrong.createRepository('app'),
      () => wrong.generateCredentials('artifacts/app', 'pull'),
      () => missing.getRepository('artifacts/app'),
    ]) {
      await expect(call()).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
        platform: 'local',
        message: expect.stringMatching(
          new RegExp(`the registry at ${server.url} answered 401: it refused the admin credential`),
        ),
      })
    }
  })
})

describe('an admin credential given in a binding', () => {
  it('reaches the registry exactly as written, white space at its ends included', async () => {
    // A password is a secret to pass on, not text to tidy: the binding trimmed it, and every
    // call of a provider built from the binding was refused while local() with the same
    // credential worked.
    const admin = { username: 'admin', password: ` ${randomBytes(16).toString('hex')}\t` }
    await using server = await startLocalRegistry({ adminCredentials: admin })
    await using registry = await createArtifactRegistry({
      platform: 'local',
      url: server.url,
      adminCredentials: admin,
    })
    const { name } = await registry.createRepository('app')
    await expect(registry.getRepository(name)).resolves.toMatchObject({ name: 'artifacts/app' })
  })
})
