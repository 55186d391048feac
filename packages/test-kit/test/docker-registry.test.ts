import { execFile } from 'node:child_process'
import { createPrivateKey, type KeyObject, randomUUID, sign, X509Certificate } from 'node:crypto'
import { access, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, it } from 'vitest'
import { HTPASSWD_FIXTURE, requireTool, sha256, startDockerRegistry } from '../src/index.js'

const TIMEOUT = 60_000
const missing = requireTool('docker-registry')
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

describe.skipIf(missing)(`startDockerRegistry ${missing ?? ''}`.trim(), () => {
  it(
    'serves anonymously on 127.0.0.1, stores in dataDir, and cleans up on close',
    async ({ expect }) => {
      const registry = await startDockerRegistry()
      expect(registry.url).toBe(`http://127.0.0.1:${registry.port}`)
      const version = await fetch(`${registry.url}/v2/`)
      expect(version.status).toBe(200)
      expect(await version.json()).toEqual({})
      const upload = await fetch(`${registry.url}/v2/harness/blobs/uploads/`, { method: 'POST' })
      const done = new URL(upload.headers.get('location') ?? '', registry.url)
      done.searchParams.set('digest', sha256('data'))
      const put = await fetch(done, { method: 'PUT', body: 'data' })
      expect(put.status).toBe(201)
      await access(join(registry.dataDir, 'docker/registry/v2/repositories/harness'))

      await registry.close()
      await expect(access(registry.dataDir)).rejects.toThrow()
      await expect(fetch(`${registry.url}/v2/`)).rejects.toThrow()
      await registry.close() // idempotent
    },
    TIMEOUT,
  )

  it(
    'guards every request with htpasswd Basic auth',
    async ({ expect }) => {
      await using registry = await startDockerRegistry({
        auth: { htpasswd: { contents: HTPASSWD_FIXTURE.line, realm: 'harness' } },
      })
      const anonymous = await fetch(`${registry.url}/v2/`)
      expect(anonymous.status).toBe(401)
      expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="harness"')
      const { username, password } = HTPASSWD_FIXTURE
      const wrong = await fetch(`${registry.url}/v2/`, {
        headers: { authorization: basic(username, 'wrong') },
      })
      expect(wrong.status).toBe(401)
      const right = await fetch(`${registry.url}/v2/`, {
        headers: { authorization: basic(username, password) },
      })
      expect(right.status).toBe(200)
    },
    TIMEOUT,
  )

  it.skipIf(requireTool('openssl'))(
    'accepts JWTs signed by a key of the root certificate bundle (token auth)',
    async ({ expect }) => {
      const dir = await mkdtemp(join(tmpdir(), 'token-auth-'))
      try {
        const { certificate, key } = await selfSignedCertificate(dir)
        const token = {
          realm: 'http://127.0.0.1:9/token',
          service: 'harness',
          issuer: 'harness-issuer',
        }
        await using registry = await startDockerRegistry({
          auth: {
            token: { ...token, caCertificate: await readFile(join(dir, 'cert.pem'), 'utf8') },
          },
        })
        const anonymous = await fetch(`${registry.url}/v2/`)
        expect(anonymous.status).toBe(401)
        expect(anonymous.headers.get('www-authenticate')).toBe(
          'Bearer realm="http://127.0.0.1:9/token",service="harness"',
        )
        const jwt = (actions: string[]) =>
          signJwt(key, certificate, {
            iss: token.issuer,
            aud: token.service,
            access: [{ type: 'repository', name: 'harness/repo', actions }],
          })
        const tags = `${registry.url}/v2/harness/repo/tags/list`
        const granted = await fetch(tags, { headers: { authorization: `Bearer ${jwt(['pull'])}` } })
        expect(granted.status).toBe(404) // authorized; the repository just does not exist
        expect(await granted.json()).toMatchObject({ errors: [{ code: 'NAME_UNKNOWN' }] })
        const scopeless = await fetch(tags, { headers: { authorization: `Bearer ${jwt([])}` } })
        expect(scopeless.status).toBe(401)
        expect(scopeless.headers.get('www-authenticate')).toContain('error="insufficient_scope"')
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    },
    TIMEOUT,
  )
})

// --- internal ---

async function selfSignedCertificate(dir: string) {
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=harness-token-issuer',
  ])
  return {
    certificate: new X509Certificate(await readFile(join(dir, 'cert.pem'))),
    key: createPrivateKey(await readFile(join(dir, 'key.pem'))),
  }
}

/** An ES256 JWT whose `x5c` header carries the signing certificate, as distribution expects. */
function signJwt(
  key: KeyObject,
  certificate: X509Certificate,
  claims: { iss: string; aud: string; access: unknown[] },
): string {
  const now = Math.floor(Date.now() / 1000)
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const header = { alg: 'ES256', typ: 'JWT', x5c: [certificate.raw.toString('base64')] }
  const body = {
    ...claims,
    sub: 'harness',
    exp: now + 300,
    nbf: now - 10,
    iat: now,
    jti: randomUUID(),
  }
  const input = `${encode(header)}.${encode(body)}`
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
  return `${input}.${signature.toString('base64url')}`
}
