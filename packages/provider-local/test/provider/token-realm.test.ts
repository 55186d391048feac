import { createServer as createHttpServer } from 'node:http'
import { createArtifactRegistry } from '@artifact-registry/core'
import { describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'
import { checkedRealm } from '../../src/realm-check.js'
import {
  challenging,
  collector,
  httpsRegistryWithPlainRealm,
  loopbackServers,
} from '../support/realm-servers.js'

// The admin password goes where the registry's Bearer challenge says to get a token: a registry
// (or whoever answers in its place) must not be able to send it elsewhere, or over plain HTTP.
// Realms on other hosts are checked without a request (checkedRealm below): tests talk to
// 127.0.0.1 only.

const ADMIN = { username: 'admin', password: 'realm-test-secret' }
const servers = loopbackServers()

describe('the admin credentials go only to a realm the configuration allows', () => {
  it('a plain HTTP realm named by an HTTPS registry is INVALID_CONFIG, and nothing is sent', async () => {
    const registry = await httpsRegistryWithPlainRealm(servers)
    await using provider = await local({
      url: registry.url,
      adminCredentials: ADMIN,
      caCertificate: registry.ca,
    })
    // Asking a token, and finding where to mint: neither sends the credentials there.
    for (const call of [
      () => provider.getRepository('artifacts/prj_realm'),
      () => provider.generateCredentials('artifacts/prj_realm', 'pull'),
    ]) {
      await expect(call()).rejects.toMatchObject({
        code: 'INVALID_CONFIG',
        message: expect.stringContaining('plain HTTP, where the registry is HTTPS'),
      })
    }
    expect(registry.seen).toHaveLength(0)
  })

  it('a binding naming the token service has its plain HTTP realm used for an HTTPS registry', async () => {
    const registry = await httpsRegistryWithPlainRealm(servers)
    await using provider = await createArtifactRegistry({
      platform: 'local',
      url: registry.url,
      adminCredentials: ADMIN,
      caCertificate: registry.ca,
      tokenServiceUrl: registry.realm,
    })
    // The collector refuses the token (404): what matters is that it was asked, with Basic.
    await expect(provider.getRepository('artifacts/prj_realm')).rejects.toBeDefined()
    expect(registry.seen.map((req) => req.headers.authorization?.split(' ')[0])).toContain('Basic')
  })

  it('a realm on the same host (another port) is used, with the credentials', async () => {
    const tokens = await collector(servers)
    const port = await servers.listen(
      createHttpServer(challenging(() => `http://127.0.0.1:${tokens.port}/token`)),
    )
    await using provider = await local({ url: `http://127.0.0.1:${port}`, adminCredentials: ADMIN })
    // The collector refuses the token (404): what matters is that it was asked, with Basic.
    await expect(provider.getRepository('artifacts/prj_realm')).rejects.toBeDefined()
    expect(tokens.seen.map((req) => req.headers.authorization?.split(' ')[0])).toContain('Basic')
  })
})

describe('checkedRealm', () => {
  const registry = 'https://registry.example:5000'
  it.each([
    ['0.0.0.0', 'http://127.0.0.1:5000'],
    ['localhost', 'http://127.0.0.1:5000'],
    ['127.0.0.1', 'http://localhost:5000'],
    ['[::1]', 'http://127.0.0.1:5000'],
  ])('takes a realm on %s for a registry at %s: both this machine', (host, registryUrl) => {
    expect(checkedRealm(`http://${host}:5001/token`, registryUrl).port).toBe('5001')
  })

  it('takes no loopback realm for a registry elsewhere', () => {
    expect(() => checkedRealm('https://127.0.0.1:5001/token', registry)).toThrow('on another host')
  })

  it('allows the registry host on any port, and the token service configured', () => {
    expect(checkedRealm('https://registry.example:5001/token', registry).port).toBe('5001')
    expect(checkedRealm('https://REGISTRY.example/token', registry).hostname).toBe(
      'registry.example',
    )
    const service = 'http://tokens.example:8080'
    expect(checkedRealm('http://tokens.example:8080/token', registry, service).host).toBe(
      'tokens.example:8080',
    )
  })

  it.each([
    ['another host', 'https://tokens.example/token', undefined, 'is on another host'],
    [
      'another port of the token service',
      'http://tokens.example:8081/token',
      'http://tokens.example:8080',
      'on another host',
    ],
    ['a downgrade to HTTP', 'http://registry.example:5001/token', undefined, 'plain HTTP'],
    ['another scheme', 'ftp://registry.example/token', undefined, 'is not http(s)'],
    ['not a URL', 'token', undefined, 'is not a URL'],
  ])('refuses %s', (_, realm, service, why) => {
    expect(() => checkedRealm(realm, registry, service)).toThrow(why)
  })
})
