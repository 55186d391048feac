import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { parseBinding } from '@artifact-registry/core'
import { createTestPki } from '@artifact-registry/test-kit'
import { afterEach, describe, expect, it } from 'vitest'
import { bindingOf } from '../../src/provision/binding.js'
import { provision } from '../../src/provision/index.js'
import { resolveProvisionOptions } from '../../src/provision/options.js'

// A registry:2 over HTTPS whose token service answers on plain HTTP: the provider refuses such a
// realm unless `tokenServiceUrl` names it. Provisioning must take it, use it, and put it in the
// binding, or the runtime it provisions for could not mint there.

const ADMIN_PASSWORD = 'provision-token-service-secret'
const servers: Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

async function listen(server: Server): Promise<number> {
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as { port: number }).port
}

/** An HTTPS registry stand-in whose challenge names a plain HTTP realm, and that realm. */
async function registryWithPlainRealm(): Promise<{
  url: string
  ca: string
  realm: string
  seen: IncomingMessage[]
}> {
  const seen: IncomingMessage[] = []
  const realmPort = await listen(
    createHttpServer((req, res) => {
      seen.push(req)
      res.writeHead(404, { 'content-length': '0' }).end()
    }),
  )
  const realm = `http://127.0.0.1:${realmPort}`
  const pki = await createTestPki()
  const port = await listen(
    createHttpsServer({ cert: pki.certPem, key: pki.keyPem }, (_, res) => {
      res
        .writeHead(401, {
          'www-authenticate': `Bearer realm="${realm}/token",service="registry"`,
          'content-length': '0',
        })
        .end()
    }) as unknown as Server,
  )
  return { url: `https://127.0.0.1:${port}`, ca: pki.caPem, realm, seen }
}

describe('provisioning a registry whose token service is named by tokenServiceUrl', () => {
  it('asks that token service, which it refuses without the option', async () => {
    const registry = await registryWithPlainRealm()
    const options = {
      url: registry.url,
      caCertificate: registry.ca,
      adminPassword: ADMIN_PASSWORD,
    }
    await expect(provision(options)).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining('plain HTTP'),
    })
    expect(registry.seen).toHaveLength(0)
    // The stand-in's token service refuses the token (404): what matters is that it was asked.
    await expect(provision({ ...options, tokenServiceUrl: registry.realm })).rejects.toBeDefined()
    expect(registry.seen.map((req) => req.headers.authorization?.split(' ')[0])).toContain('Basic')
  })

  it('puts it in the binding, which the runtime then takes', () => {
    const target = resolveProvisionOptions(
      {
        url: 'https://registry.internal:5000',
        adminPassword: ADMIN_PASSWORD,
        tokenServiceUrl: 'http://tokens.internal:5001',
      },
      'provision',
    )
    const binding = bindingOf(target)
    expect(binding).toMatchObject({ tokenServiceUrl: 'http://tokens.internal:5001' })
    expect(JSON.stringify(binding)).not.toContain(ADMIN_PASSWORD)
    expect(() =>
      parseBinding({ ...binding, adminCredentials: { username: 'admin', password: 'x' } }),
    ).not.toThrow()
  })

  it('refuses a tokenServiceUrl that is no http(s) URL, by path', () => {
    expect(() =>
      resolveProvisionOptions(
        { url: 'http://127.0.0.1:5000', adminPassword: 'x', tokenServiceUrl: 'ftp://tokens' },
        'provision',
      ),
    ).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: 'tokenServiceUrl' })] }),
    )
  })
})
