import { createServer as createHttpServer, type Server } from 'node:http'
import type { ArtifactRegistryError } from '@artifact-registry/core'
import { startLocalRegistry } from '@artifact-registry/registry-server'
import { createTestPki, unusedPort } from '@artifact-registry/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalProvider, local } from '../../src/index.js'

const ADMIN = { username: 'admin', password: 'unreachable-test-secret' }

/** Every operation that talks to the registry, with a name that is valid in the namespace. */
const OPERATIONS: [string, (provider: LocalProvider) => Promise<unknown>][] = [
  ['createRepository', (p) => p.createRepository('prj_unreachable')],
  ['getRepository', (p) => p.getRepository('artifacts/prj_unreachable')],
  ['deleteRepository', (p) => p.deleteRepository('artifacts/prj_unreachable')],
  ['generateCredentials', (p) => p.generateCredentials('artifacts/prj_unreachable', 'pull')],
]

async function failure(work: Promise<unknown>): Promise<ArtifactRegistryError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error, 'the call should have failed').toBeDefined()
  return error as ArtifactRegistryError
}

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as { port: number }).port
}

describe('local({ url }) when the registry cannot be reached as configured', () => {
  let plainHttp: Server
  let plainPort: number
  beforeAll(async () => {
    plainHttp = createHttpServer((_, res) => res.writeHead(404, { 'content-length': '0' }).end())
    plainPort = await listening(plainHttp)
  })
  afterAll(async () => {
    plainHttp.closeAllConnections()
    await new Promise((resolve) => plainHttp.close(resolve))
  })

  it.each(OPERATIONS)(
    '%s with https:// against a plain-HTTP server is INVALID_CONFIG saying to use http://',
    async (what, operation) => {
      const url = `https://127.0.0.1:${plainPort}`
      await using provider = await local({ url, adminCredentials: ADMIN })
      const error = await failure(operation(provider))
      expect(error).toMatchObject({ code: 'INVALID_CONFIG', retryable: false })
      expect(error.message).toContain(`[provider-local] ${what}: ${url} does not answer TLS`)
      expect(error.message).toContain(
        `the server speaks plain HTTP; use http://127.0.0.1:${plainPort}`,
      )
      expect(error.message).not.toContain('fetch failed')
    },
  )

  it('the same through the transport that trusts a private CA', async () => {
    const url = `https://127.0.0.1:${plainPort}`
    const { caPem } = await createTestPki()
    await using provider = await local({ url, adminCredentials: ADMIN, caCertificate: caPem })
    const error = await failure(provider.createRepository('prj_unreachable'))
    expect(error).toMatchObject({ code: 'INVALID_CONFIG' })
    expect(error.message).toContain('the server speaks plain HTTP; use http://')
  })

  it.each(OPERATIONS)(
    '%s against a closed port is UNAVAILABLE naming the URL, never "fetch failed"',
    async (what, operation) => {
      const url = `http://127.0.0.1:${await unusedPort()}`
      await using provider = await local({ url, adminCredentials: ADMIN })
      const error = await failure(operation(provider))
      expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true })
      expect(error.message).toBe(
        `[provider-local] ${what}: cannot reach ${url} (ECONNREFUSED): nothing listens there`,
      )
    },
  )

  it('http:// against an HTTPS server is UNAVAILABLE suggesting https://', async () => {
    const pki = await createTestPki()
    await using tls = await startLocalRegistry({ tls: { cert: pki.certPem, key: pki.keyPem } })
    const url = tls.url.replace('https://', 'http://')
    await using provider = await local({ url, adminCredentials: ADMIN })
    const error = await failure(provider.createRepository('prj_unreachable'))
    expect(error.code).toBe('UNAVAILABLE')
    expect(error.message).toContain(`${url} closed the connection`)
    expect(error.message).toContain(`if the server speaks HTTPS, use https://127.0.0.1:${tls.port}`)
  })

  it('an answer of 5xx names the registry', async () => {
    const failing = createHttpServer((_, res) =>
      res.writeHead(503, { 'content-length': '0' }).end(),
    )
    const url = `http://127.0.0.1:${await listening(failing)}`
    try {
      await using provider = await local({ url, adminCredentials: ADMIN })
      const error = await failure(provider.getRepository('artifacts/prj_unreachable'))
      expect(error).toMatchObject({ code: 'UNAVAILABLE' })
      expect(error.message).toContain(`the registry at ${url} answered 503`)
    } finally {
      failing.closeAllConnections()
      await new Promise((resolve) => failing.close(resolve))
    }
  })

  it.each([
    ['no scheme', '127.0.0.1:5000'],
    ['another scheme', 'ftp://127.0.0.1:5000'],
    ['not a URL', 'the registry'],
    // Requests go to `{url}/v2/…`: a path would send them to `/v2/v2/…`, where the registry
    // reads the name `v2/artifacts/…`, outside the binding's namespace.
    ['a path', 'http://127.0.0.1:5000/v2'],
    ['a query', 'http://127.0.0.1:5000/?ns=artifacts'],
    ['a fragment', 'http://127.0.0.1:5000/#registry'],
  ])('a url with %s is INVALID_CONFIG naming it, before any request', async (_, url) => {
    const error = await failure(local({ url, adminCredentials: ADMIN }))
    expect(error).toMatchObject({ code: 'INVALID_CONFIG' })
    // Named up to its query or fragment, whose contents may be a token: shown as `***`.
    expect(error.message).toContain(JSON.stringify(url.replace(/([?#]).*$/, '$1***')))
  })

  it('a port fetch will not connect to is INVALID_CONFIG naming it, not a retryable UNAVAILABLE', async () => {
    // 6000 is one of the Fetch standard's blocked ports: fetch refuses it without connecting.
    await using provider = await local({ url: 'http://127.0.0.1:6000', adminCredentials: ADMIN })
    const error = await failure(provider.getRepository('artifacts/prj_blocked'))
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', retryable: false })
    expect(error.message).toContain('port 6000 is one the Fetch standard blocks')
  })

  it('a url with a trailing slash is the registry itself', async () => {
    await using provider = await local({ url: 'http://127.0.0.1:5000/', adminCredentials: ADMIN })
    expect(provider.registryEndpoint).toBe('http://127.0.0.1:5000')
  })

  it.each([
    ['a plain password', 'http://admin:s3cret-pw@127.0.0.1:5000', '"http://***@127.0.0.1:5000"'],
    // Not a URL at all (port out of range): nothing parsed to tell the password by.
    [
      'a URL that does not parse',
      'http://admin:s3cret-pw@127.0.0.1:99999',
      '"http://***@127.0.0.1:99999"',
    ],
    // The parsed password is percent-encoded, so it does not match the text as given.
    [
      'a password URLs encode',
      'http://admin:s3cret-pw^|{ x@127.0.0.1:5000',
      '"http://***@127.0.0.1:5000"',
    ],
    [
      'an @ in the password',
      'http://admin:s3cret-pw@@127.0.0.1:5000',
      '"http://***@127.0.0.1:5000"',
    ],
    // A token in the query (or fragment) is as secret as a password before the host.
    [
      'a token in the query',
      'http://127.0.0.1:5000/?token=s3cret-pw',
      '"http://127.0.0.1:5000/?***"',
    ],
    ['an @ in the query', 'http://127.0.0.1:5000?t=s3cret-pw@x', '"http://127.0.0.1:5000?***"'],
    ['a token in the fragment', 'http://127.0.0.1:5000#s3cret-pw', '"http://127.0.0.1:5000#***"'],
  ])(
    'a url with credentials in it (%s) is INVALID_CONFIG that does not repeat them',
    async (_, url, shown) => {
      const error = await failure(local({ url }))
      expect(error).toMatchObject({ code: 'INVALID_CONFIG' })
      expect(error.message).toContain(shown)
      expect(error.message).toContain('credentials go in adminCredentials')
      expect(error.message).not.toContain('s3cret-pw')
      expect(JSON.stringify(error)).not.toContain('s3cret-pw')
    },
  )
})
