import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type LocalRegistry, startLocalRegistry } from '@artifact-registry/registry-server'
import { basicAuth } from '@artifact-registry/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalProvider, local } from '../../src/index.js'

const ADMIN = { username: 'admin', password: 'outage-test-secret' }

// The provider finds where to mint and revoke (the registry's token realm) on its first such
// call. A registry down at that moment (a restart) must cost that call only: remembered, the
// failure refused every later revocation, and the credential it was for stayed live.
describe('local({ url }): a registry unreachable at the first revocation', () => {
  let dataDir: string
  let registry: LocalRegistry
  let provider: LocalProvider
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'provider-local-outage-'))
    registry = await startLocalRegistry({ adminCredentials: ADMIN, dataDir })
    provider = await local({ url: registry.url, bindingName: 'outage', adminCredentials: ADMIN })
  })
  afterAll(async () => {
    await provider?.close()
    await registry?.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('revokes and mints once the registry is back', async () => {
    const { name } = await provider.createRepository('app')
    const leaked = await registry.generateCredentials(name, 'pull', 600)
    const { port } = registry
    await registry.close()
    await expect(provider.revokeCredentials({ username: leaked.username })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    })

    registry = await startLocalRegistry({ adminCredentials: ADMIN, dataDir, port })
    const tags = `${registry.url}/v2/${name}/tags/list`
    const auth = { authorization: basicAuth(leaked.username, leaked.password) }
    expect((await fetch(tags, { headers: auth })).status).toBe(200)
    expect(await provider.revokeCredentials({ username: leaked.username })).toBe(1)
    expect((await fetch(tags, { headers: auth })).status).toBe(401)
    const minted = await provider.generateCredentials(name, 'pull')
    expect(minted.username).toMatch(/^cred-/)
  })
})
