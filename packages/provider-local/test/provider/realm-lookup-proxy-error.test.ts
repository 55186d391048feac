import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startTokenService, type TokenService } from '@artifact-registry/registry-server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'

const ADMIN = { username: 'admin', password: 'realm-lookup-secret' }

/**
 * A registry:2 with token auth, as far as finding its realm goes: `GET /v2/` is 401 with a
 * Bearer challenge naming the token service, as the token authentication specification has
 * it; no other route of ours exists there (404). While `down`, a reverse proxy in front of it
 * answers 502 for it, as one does while the registry behind restarts.
 */
async function registryBehindProxy(tokens: TokenService): Promise<{
  url: string
  setDown(down: boolean): void
  server: Server
}> {
  let down = false
  const server = createServer((req, res) => {
    if (req.url === '/v2/' && down) {
      res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>502 Bad Gateway</h1>')
    } else if (req.url === '/v2/') {
      res
        .writeHead(401, {
          'content-type': 'application/json',
          'www-authenticate': `Bearer realm="${tokens.realm}",service="${tokens.service}"`,
        })
        .end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}')
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}`, setDown: (d) => (down = d), server }
}

// The provider finds its token service from the registry's challenge at the first mint or
// revoke. An answer that is not the registry's (a proxy's 502) says nothing of a realm:
// remembered as "none", it sent every later revocation to the registry, which refused it, and
// the credential it was for stayed live for as long as the provider ran.
describe('local({ url }): a proxy error at the first realm lookup', () => {
  let dataDir: string
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'provider-local-realm-'))
  })
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  it('fails that revocation as unavailable, and revokes at the token service once the registry is back', async () => {
    await using tokens = await startTokenService({ admin: ADMIN, dataDir })
    const front = await registryBehindProxy(tokens)
    try {
      await using provider = await local({
        url: front.url,
        bindingName: 'proxied',
        adminCredentials: ADMIN,
      })
      const leaked = await tokens.generateCredentials('proxied/app', 'pull', 600)
      front.setDown(true)
      await expect(provider.revokeCredentials({ username: leaked.username })).rejects.toMatchObject(
        { code: 'UNAVAILABLE' },
      )
      front.setDown(false)
      expect(await provider.revokeCredentials({ username: leaked.username })).toBe(1)
      expect(await tokens.revokeCredentials({ username: leaked.username })).toBe(0)
    } finally {
      await new Promise((resolve) => front.server.close(resolve))
    }
  })
})
