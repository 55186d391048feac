import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startLocalRegistry, startTokenService } from '../../src/index.js'
import { bindsEveryInterface } from '../../src/public-url.js'
import { runCli, startCli } from '../support/command.js'

// A 401 tells the client where to get a token. Made of the address the server listens on, a
// registry served on every interface sent clients on other machines to http://0.0.0.0:PORT/token,
// and one behind a port mapping or a proxy to a port or host they cannot reach: pushes failed
// there, though the credentials were good. `publicUrl` names the address clients use. No request
// goes to it here: the tests read what the server says.

const ADMIN = { username: 'admin', password: 'public-url-admin-password' }
const PUBLIC = 'https://registry.example.com:8443'

let work: string
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'public-url-'))
})
afterEach(async () => {
  await rm(work, { recursive: true, force: true })
})

async function challengeOf(url: string): Promise<string | null> {
  const res = await fetch(`${url}/v2/team/app/tags/list`)
  await res.body?.cancel()
  expect(res.status).toBe(401)
  return res.headers.get('www-authenticate')
}

describe('the token realm of a registry reached at another address than it listens on', () => {
  it('is {publicUrl}/token in every challenge, and {url}/token without it', async () => {
    await using behind = await startLocalRegistry({
      adminCredentials: ADMIN,
      logLevel: 'silent',
      publicUrl: `${PUBLIC}/`,
    })
    expect(behind.tokenRealm).toBe(`${PUBLIC}/token`)
    expect(await challengeOf(behind.url)).toMatch(
      new RegExp(
        `^Bearer realm="${PUBLIC}/token",service="[^"]+",scope="repository:team/app:pull"$`,
      ),
    )

    await using direct = await startLocalRegistry({ adminCredentials: ADMIN, logLevel: 'silent' })
    expect(direct.tokenRealm).toBe(`${direct.url}/token`)
    expect(await challengeOf(direct.url)).toContain(`realm="${direct.url}/token"`)
  })

  it('the standalone token service puts it in the registry:2 config it prints', async () => {
    await using tokens = await startTokenService({
      dataDir: join(work, 'tokens'),
      admin: ADMIN,
      logLevel: 'silent',
      publicUrl: PUBLIC,
    })
    expect(tokens.realm).toBe(`${PUBLIC}/token`)
    expect(tokens.registryAuthConfig('/ca.pem')).toContain(`    realm: "${PUBLIC}/token"\n`)
    expect(tokens.registryAuthEnv('/ca.pem').REGISTRY_AUTH_TOKEN_REALM).toBe(`${PUBLIC}/token`)
  })

  it.each([
    ['no scheme', 'registry.example.com'],
    ['another scheme', 'ftp://registry.example.com'],
    ['a path', 'https://registry.example.com/v2'],
    ['a query', 'https://registry.example.com/?a=b'],
    ['an empty query', 'https://registry.example.com?'],
    ['credentials', 'https://user:pass@registry.example.com'],
    ['not a string', 8443],
    // A realm there is the unreachable one publicUrl is for, and it silenced serve's warning.
    ['every interface', 'http://0.0.0.0:5000'],
    ['every interface, as 0', 'http://0:5000'],
    ['every IPv6 interface', 'http://[::]:5000'],
    // The realm is a quoted string of the challenge: a quote ended it and made the rest params.
    ['a quote', 'http://registry".example.com'],
  ])('with %s is a TypeError before anything listens', async (_, publicUrl) => {
    const options = { publicUrl: publicUrl as string, logLevel: 'silent' } as const
    await expect(startLocalRegistry(options)).rejects.toThrow(TypeError)
    await expect(startLocalRegistry(options)).rejects.toThrow(/publicUrl must be an http\(s\) URL/)
    await expect(
      startTokenService({ ...options, dataDir: join(work, 'tokens'), admin: ADMIN }),
    ).rejects.toThrow(TypeError)
  })

  it.each([
    ['an IPv6 literal', 'http://[::1]:5000', 'http://[::1]:5000/token'],
    ['an uppercase scheme and host', 'HTTPS://Registry.Example.com:8443', `${PUBLIC}/token`],
    ['a default port', 'https://registry.example.com:443/', 'https://registry.example.com/token'],
  ])('with %s names a realm clients can use', async (_, publicUrl, realm) => {
    await using registry = await startLocalRegistry({
      adminCredentials: ADMIN,
      logLevel: 'silent',
      publicUrl,
    })
    expect(registry.tokenRealm).toBe(realm)
    expect(await challengeOf(registry.url)).toContain(`realm="${realm}"`)
  })

  it('tells every-interface addresses written in short forms too', () => {
    for (const host of ['::0', '0::', '0:0::0', '[::0]', '0'])
      expect(bindsEveryInterface(host), host).toBe(true)
    for (const host of ['::1', '0::1', '10.0.0.0', '[::1]', 'not a host'])
      expect(bindsEveryInterface(host), host).toBe(false)
  })

  it('tells every-interface addresses apart from the others', () => {
    for (const host of ['0.0.0.0', '::', '[::]', '0:0:0:0:0:0:0:0'])
      expect(bindsEveryInterface(host), host).toBe(true)
    for (const host of ['127.0.0.1', '::1', 'localhost', '10.0.0.5', 'registry.example.com'])
      expect(bindsEveryInterface(host), host).toBe(false)
  })
})

describe('artifact-registry-local --public-url', () => {
  it('serve prints the realm it names, and says nothing of an unreachable one', async () => {
    await using server = await startCli([
      'serve',
      '--data',
      join(work, 'data'),
      '--port',
      '0',
      '--public-url',
      PUBLIC,
    ])
    // The realm's line comes after the lines startCli waits for.
    await vi.waitFor(() =>
      expect(server.output().stdout).toContain(`token realm: ${PUBLIC}/token\n`),
    )
    expect(await challengeOf(server.url)).toContain(`realm="${PUBLIC}/token"`)
    expect(server.output().stderr).not.toContain('warning')
  })

  it('serve on every interface without it warns that other machines cannot reach the realm', async () => {
    // Bound to every interface for a moment; nothing here connects to it.
    await using server = await startCli([
      'serve',
      '--data',
      join(work, 'data'),
      '--host',
      '0.0.0.0',
      '--port',
      '0',
    ])
    const warning = await server.waitForStderr(/^warning: /m)
    expect(warning).toContain(
      `are told to get tokens at ${server.url}/token, which they cannot reach`,
    )
    expect(warning).toContain('pass --public-url')
  })

  it('token-service tells where to mint at the public address, not the one it listens on', async () => {
    // The line is what an operator copies into provider-local's tokenServiceUrl: with --host
    // 0.0.0.0 it named http://0.0.0.0:PORT, which no client elsewhere reaches.
    await using service = await startCli([
      'token-service',
      '--data',
      join(work, 'tokens'),
      '--port',
      '0',
      '--public-url',
      PUBLIC,
    ])
    await vi.waitFor(() => expect(service.output().stdout).toContain('mint credentials: POST '))
    expect(service.output().stdout).toContain(
      `mint credentials: POST ${PUBLIC}/_artifact-registry/credentials `,
    )
  })

  it('a value that is no http(s) origin is a usage error, exit 2', () => {
    const run = runCli(['serve', '--data', join(work, 'data'), '--public-url', 'registry:5000'])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/^artifact-registry-local: --public-url must be an http\(s\) URL/)
  })
})
