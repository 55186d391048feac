import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseBinding } from '@artifact-registry/core'
import { startLocalRegistry } from '@artifact-registry/registry-server'
import { describe, expect, it } from 'vitest'
import { provision } from '../../src/provision/index.js'
import { startAdminRegistry } from './support.js'

describe('provision({ url }) checks the registry and its admin, and creates nothing', () => {
  it('reports both checks unchanged, and binds the admin password as a placeholder', async () => {
    await using target = await startAdminRegistry()
    const seen: string[] = []
    const result = await provision({
      url: `${target.url}/`,
      bindingName: 'team-a',
      adminPassword: target.admin.password,
      onChange: (change) => seen.push(change.kind),
    })
    expect(result.changes).toEqual([
      { action: 'unchanged', kind: 'local-registry', id: target.url },
      { action: 'unchanged', kind: 'admin-credential', id: `admin@${target.url}` },
    ])
    expect(seen).toEqual(['local-registry', 'admin-credential'])
    expect(result.binding).toEqual({
      platform: 'local',
      url: target.url,
      bindingName: 'team-a',
      adminCredentials: { username: 'admin', password: `\${ARTIFACT_REGISTRY_ADMIN_PASSWORD}` },
    })
    // For deployment tooling: core refuses it until the placeholder is resolved.
    expect(() => parseBinding(result.binding)).toThrow(
      expect.objectContaining({
        code: 'INVALID_CONFIG',
        issues: [expect.objectContaining({ path: 'adminCredentials.password' })],
      }),
    )
    expect(await target.catalog()).toEqual([])
  })

  it('reads the password from the variable adminPasswordEnv names, which the placeholder names', async () => {
    await using target = await startAdminRegistry()
    const variable = `PROVISION_TEST_PASSWORD_${process.pid}`
    process.env[variable] = target.admin.password
    try {
      const { binding } = await provision({ url: target.url, adminPasswordEnv: variable })
      expect(binding.adminCredentials?.password).toBe(`\${${variable}}`)
      process.env[variable] = 'not-the-password'
      await expect(
        provision({ url: target.url, adminPasswordEnv: variable }),
      ).rejects.toMatchObject({ code: 'PERMISSION_DENIED' })
    } finally {
      delete process.env[variable]
    }
  })

  it('a wrong password is PERMISSION_DENIED naming the URL and the user, never the password', async () => {
    await using target = await startAdminRegistry()
    const wrong = 'wrong-password-not-to-be-shown'
    const error = await provision({ url: target.url, adminPassword: wrong }).catch((e) => e)
    expect(error).toMatchObject({ code: 'PERMISSION_DENIED', platform: 'local' })
    expect(error.message).toContain(target.url)
    expect(error.message).toContain('"admin"')
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(wrong)
  })

  it('a user who is not the admin is PERMISSION_DENIED too (403 for the catalog)', async () => {
    await using target = await startAdminRegistry()
    const minted = await target.server.generateCredentials('team/app', 'push-pull', 600)
    await expect(
      provision({
        url: target.url,
        adminUsername: minted.username,
        adminPassword: minted.password,
      }),
    ).rejects.toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringContaining('403') })
  })

  it('a URL where nothing listens is UNAVAILABLE naming the URL', async () => {
    const closed = await startLocalRegistry()
    const { url } = closed
    await closed.close()
    const error = await provision({ url, adminPassword: 'x' }).catch((e) => e)
    expect(error).toMatchObject({ code: 'UNAVAILABLE', platform: 'local', retryable: true })
    expect(error.message).toContain(url)
  })

  it('a server that is no registry is INVALID_CONFIG naming the URL', async () => {
    const server = createServer((_req, res) => res.writeHead(404).end('not here'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      await expect(provision({ url, adminPassword: 'x' })).rejects.toMatchObject({
        code: 'INVALID_CONFIG',
        message: expect.stringContaining(`${url} answered 404 to GET /v2/`),
      })
    } finally {
      server.close()
    }
  })

  it('a registry answering 5xx is UNAVAILABLE', async () => {
    const server = createServer((_req, res) => res.writeHead(503).end())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      await expect(provision({ url, adminPassword: 'x' })).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringContaining(url),
      })
    } finally {
      server.close()
    }
  })

  it('a dry run makes the same checks and reports the same changes', async () => {
    await using target = await startAdminRegistry()
    const options = { url: target.url, adminPassword: target.admin.password }
    const dry = await provision({ ...options, dryRun: true })
    expect(dry).toEqual(await provision(options))
    await expect(
      provision({ ...options, adminPassword: 'wrong', dryRun: true }),
    ).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    })
  })
})
