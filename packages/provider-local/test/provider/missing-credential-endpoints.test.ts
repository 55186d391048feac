import { randomBytes } from 'node:crypto'
import { startLocalRegistry } from '@artifact-registry/registry-server'
import { HTPASSWD_FIXTURE, requireTool, startDockerRegistry } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'
import { countingProxy } from '../support/counting-proxy.js'

// A `url` whose server has no credential endpoints (a proxy in front of our registry that passes
// only /v2/ and /token, as registry proxies are often set up; a registry:2 with Basic auth and no
// token service) answers their POSTs 404. That 404 was reported as NOT_FOUND: generateCredentials
// said the repository it had just found did not exist, and deleteRepository, which never answers
// NOT_FOUND (deleting a missing repository succeeds), answered it as its revocation failed, so a
// caller that takes NOT_FOUND for "already gone" believed the credentials revoked.

const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
const noEndpoint = expect.objectContaining({
  code: 'INVALID_CONFIG',
  message: expect.stringContaining('/_artifact-registry/credentials'),
})

describe('a url without our credential endpoints', () => {
  it('behind a proxy that passes only /v2/ and /token: INVALID_CONFIG, not NOT_FOUND', async () => {
    // Served for the proxy's public name, as `serve --public-url` is behind one.
    await using registry = await startLocalRegistry({
      adminCredentials: admin,
      publicUrl: 'https://registry.example.test',
      logLevel: 'silent',
    })
    await using proxy = await countingProxy(registry.url, {
      answer: (_, path) => (path.startsWith('/_artifact-registry/') ? 404 : undefined),
    })
    await using provider = await local({ url: proxy.url, adminCredentials: admin })
    const { name } = await provider.createRepository('app')

    await expect(provider.generateCredentials(name, 'pull')).rejects.toEqual(noEndpoint)
    await expect(provider.revokeCredentials({ repository: name })).rejects.toEqual(noEndpoint)
    await expect(provider.deleteRepository(name)).rejects.toEqual(noEndpoint)
    // Nothing was deleted: the call may be made again once the proxy passes the endpoints.
    expect((await provider.getRepository(name)).name).toBe(name)
  })

  const missing = requireTool('docker-registry')
  it.skipIf(missing !== undefined)(
    'a registry:2 with Basic auth and no token service: INVALID_CONFIG',
    async () => {
      await using registry2 = await startDockerRegistry({
        auth: { htpasswd: { contents: `${HTPASSWD_FIXTURE.line}\n` } },
      })
      await using provider = await local({
        url: registry2.url,
        adminCredentials: {
          username: HTPASSWD_FIXTURE.username,
          password: HTPASSWD_FIXTURE.password,
        },
      })
      const { name } = await provider.createRepository('app')
      await expect(provider.generateCredentials(name, 'push-pull')).rejects.toEqual(noEndpoint)
      await expect(provider.revokeCredentials({ username: 'cred-0' })).rejects.toEqual(noEndpoint)
    },
    60_000,
  )
})
