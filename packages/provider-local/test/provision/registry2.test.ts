import { randomBytes } from 'node:crypto'
import { startTokenService } from '@artifact-registry/registry-server'
import { closeAll, requireTool, startDockerRegistry } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'
import { deprovision, provision } from '../../src/provision/index.js'

// A registry:2 (Debian's distribution 2.8.2) behind our token service: the admin's catalog call
// and the deletions go through tokens from the service, as the README's admin table says.

const missing = requireTool('docker-registry')

describe.skipIf(missing !== undefined)('provisioning a registry:2 behind the token service', () => {
  it('checks the admin through a token, refuses a wrong password, and deprovisions with force', async () => {
    const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
    const tokens = await startTokenService({ admin })
    const registry2 = await startDockerRegistry({ auth: { token: tokens } })
    try {
      const options = { url: registry2.url, bindingName: 'r2', adminPassword: admin.password }
      expect((await provision(options)).changes.map((c) => c.action)).toEqual([
        'unchanged',
        'unchanged',
      ])
      await expect(provision({ ...options, adminPassword: 'wrong' })).rejects.toMatchObject({
        code: 'PERMISSION_DENIED',
        message: expect.stringContaining(registry2.url),
      })

      await using runtime = await local({
        url: registry2.url,
        bindingName: 'r2',
        adminCredentials: admin,
      })
      const { name } = await runtime.createRepository('app')
      await expect(deprovision(options)).rejects.toMatchObject({ code: 'CONFLICT' })
      const done = await deprovision({ ...options, force: true })
      expect(done.changes).toContainEqual({ action: 'delete', kind: 'local-repository', id: name })
      await expect(runtime.getRepository(name)).rejects.toMatchObject({ code: 'NOT_FOUND' })
      // registry:2 keeps a deleted repository in its catalog: it is gone all the same.
      expect((await deprovision(options)).changes.map((c) => c.kind)).toEqual([
        'local-registry',
        'admin-credential',
      ])
    } finally {
      await closeAll(registry2, tokens)
    }
  }, 60_000)
})
