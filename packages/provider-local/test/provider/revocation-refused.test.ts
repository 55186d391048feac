import { randomBytes } from 'node:crypto'
import { type LocalRegistry, startLocalRegistry } from '@artifact-registry/registry-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalProvider, local } from '../../src/index.js'

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }

// A revocation the registry refused revoked nothing: reported as 0 (or as success), it would
// leave the caller believing credentials dead that still work.
describe('a revocation the registry refuses, on a registry by URL', () => {
  let registry: LocalRegistry
  let provider: LocalProvider
  let stale: LocalProvider
  beforeAll(async () => {
    registry = await startLocalRegistry({ adminCredentials: ADMIN })
    const options = { url: registry.url, bindingName: 'refused' }
    provider = await local({ ...options, adminCredentials: ADMIN })
    // The same binding with an admin password the registry no longer takes.
    stale = await local({ ...options, adminCredentials: { ...ADMIN, password: 'not-it' } })
  })
  afterAll(async () => {
    await stale?.close()
    await provider?.close()
    await registry?.close()
  })

  it('rejects with the registry’s refusal, having revoked nothing', async () => {
    const { name } = await provider.createRepository('app')
    const credentials = await provider.generateCredentials(name, 'pull')
    for (const which of [{ username: credentials.username }, { repository: name }]) {
      await expect(stale.revokeCredentials(which), JSON.stringify(which)).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      })
    }
    // Control, and proof that nothing was revoked: the admin's revocation still finds it.
    expect(await provider.revokeCredentials({ username: credentials.username })).toBe(1)
  })
})
