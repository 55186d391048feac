import { createServer } from 'node:http'
import { startLocalRegistry } from '@artifact-registry/registry-server'
import { describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'

const ADMIN = { username: 'admin', password: 'public-url-realm-secret' }

// A registry served with --public-url names its realm by that address, which this provider may
// not know for the registry it reaches (at 127.0.0.1, on the machine it runs on): the realm is
// not trusted with the admin's credentials, rightly. Minting and revoking went there all the
// same, and failed: a credential the provider handed out could no longer be revoked. The registry
// serves both itself, at the address configured. No request goes to the public name here.
describe('local({ url }) of our registry served under another public name', () => {
  it('mints and revokes at the registry itself, and the admin password goes nowhere else', async () => {
    await using registry = await startLocalRegistry({
      adminCredentials: ADMIN,
      logLevel: 'silent',
      publicUrl: 'http://registry.invalid:5000',
    })
    await using provider = await local({ url: registry.url, adminCredentials: ADMIN })
    const { name } = await provider.createRepository('public-name')
    const minted = await provider.generateCredentials(name, 'pull')
    const basic = `Basic ${Buffer.from(`${minted.username}:${minted.password}`).toString('base64')}`
    const tags = (): Promise<Response> =>
      fetch(`${registry.url}/v2/${name}/tags/list`, { headers: { authorization: basic } })
    expect((await tags()).status).toBe(200)

    await provider.revokeCredentials({ repository: name })
    expect((await tags()).status).toBe(401)
  })

  it('still refuses the realm of a registry that serves no token endpoint itself (registry:2)', async () => {
    const seen: string[] = []
    const registry2 = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`)
      if (req.url === '/v2/') {
        res.writeHead(401, {
          'www-authenticate': 'Bearer realm="http://tokens.invalid/token",service="registry"',
        })
      } else res.writeHead(404)
      res.end()
    })
    await new Promise<void>((resolve) => registry2.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = registry2.address() as { port: number }
      await using provider = await local({
        url: `http://127.0.0.1:${port}`,
        adminCredentials: ADMIN,
      })
      await expect(provider.revokeCredentials({ repository: 'artifacts/x' })).rejects.toMatchObject(
        {
          code: 'INVALID_CONFIG',
          message: expect.stringContaining('is on another host'),
        },
      )
      expect(seen).not.toContain('POST /_artifact-registry/credentials/revoke')
    } finally {
      registry2.closeAllConnections()
      await new Promise((resolve) => registry2.close(resolve))
    }
  })
})
