import { createPrivateKey, X509Certificate } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { get } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  containersSandbox,
  createTestPki,
  type LayoutFixture,
  requireTool,
  runToolExpectingFailure,
  type TestPki,
  writeMultiLayerImage,
} from '@artifact-registry/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import { startTlsRegistryProcess } from '../support/command.js'

const TIMEOUT = 120_000
const missingSkopeo = requireTool('skopeo')

let work: string
let pki: TestPki
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'registry-https-'))
  pki = await createTestPki()
})

/** GET `url` over HTTPS trusting only `ca`: the status and the API version header. */
function getTrusting(url: string, ca: string): Promise<{ status: number; apiVersion: unknown }> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      res.resume()
      resolve({
        status: res.statusCode ?? 0,
        apiVersion: res.headers['docker-distribution-api-version'],
      })
    }).on('error', reject)
  })
}
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('test PKI', () => {
  it('issues a server certificate for 127.0.0.1 and localhost, signed by the CA', () => {
    const cert = new X509Certificate(pki.certPem)
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1')
    expect(cert.checkHost('localhost')).toBe('localhost')
    expect(cert.checkHost('example.com')).toBeUndefined()
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1'])
    expect(cert.verify(new X509Certificate(pki.caPem).publicKey)).toBe(true)
  })
})

describe('startLocalRegistry with tls', () => {
  let registry: LocalRegistry
  beforeAll(async () => {
    registry = await startLocalRegistry({ tls: { cert: pki.certPem, key: pki.keyPem } })
  })
  afterAll(async () => {
    await registry?.close()
  })

  it('serves the API over HTTPS to a client that trusts the CA', async () => {
    expect(registry.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(await getTrusting(`${registry.url}/v2/`, pki.caPem)).toEqual({
      status: 200,
      apiVersion: 'registry/2.0',
    })
  })

  it('is refused by a client that does not trust the CA', async () => {
    const error = await fetch(`${registry.url}/v2/`).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect(String((error as TypeError).cause)).toMatch(/certificate/i)
  })

  it('answers no plain HTTP on its port', async () => {
    const plain = registry.url.replace('https://', 'http://')
    await expect(fetch(`${plain}/v2/`)).rejects.toThrow()
  })

  it('refuses a certificate without its key, or a key that is not PEM, with a TypeError', async () => {
    await expect(startLocalRegistry({ tls: { cert: pki.certPem, key: '' } })).rejects.toThrow(
      /tls needs both cert and key/,
    )
    const refusal = (field: string, problem: RegExp) =>
      expect.objectContaining({
        name: 'TypeError',
        code: 'ERR_REGISTRY_TLS_MATERIAL',
        field,
        message: expect.stringMatching(problem),
      })
    await expect(
      startLocalRegistry({ tls: { cert: pki.certPem, key: 'not a key' } }),
    ).rejects.toEqual(refusal('key', /the key is not an unencrypted PEM private key/))
    await expect(
      startLocalRegistry({ tls: { cert: 'not a certificate', key: pki.keyPem } }),
    ).rejects.toEqual(refusal('cert', /the certificate is not a PEM certificate/))
    // DER is a certificate to X509Certificate, but not to the HTTPS server, which reads PEM only.
    const der = new X509Certificate(pki.certPem).raw
    await expect(startLocalRegistry({ tls: { cert: der, key: pki.keyPem } })).rejects.toEqual(
      refusal('cert', /the certificate is not a PEM certificate/),
    )
    const encrypted = createPrivateKey(pki.keyPem).export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'secret',
    })
    await expect(
      startLocalRegistry({ tls: { cert: pki.certPem, key: encrypted } }),
    ).rejects.toEqual(refusal('key', /the key is encrypted/))
    const mismatched = await createTestPki()
    await expect(
      startLocalRegistry({ tls: { cert: pki.certPem, key: mismatched.keyPem } }),
    ).rejects.toEqual(refusal('pair', /tls: cannot use this certificate and key: the key does not/))
  })

  it('still serves with a chain, text before the PEM, one file of key and chain, or CRLF', async () => {
    const chain = `${pki.certPem.trim()}\n${pki.caPem.trim()}\n`
    // As `openssl pkcs12 -nodes` writes it: attributes before each BEGIN line, the key last.
    const bagged = `Bag Attributes\n    friendlyName: server\n${chain}Key Attributes: <No Attributes>\n${pki.keyPem}`
    const crlf = (pem: string) => Buffer.from(pem.replace(/\r?\n/g, '\r\n'))
    const materials = [
      { cert: Buffer.from(chain), key: Buffer.from(pki.keyPem) },
      { cert: bagged, key: bagged },
      { cert: crlf(chain), key: crlf(pki.keyPem) },
    ]
    for (const tls of materials) {
      const served = await startLocalRegistry({ tls })
      try {
        expect((await getTrusting(`${served.url}/v2/`, pki.caPem)).status).toBe(200)
      } finally {
        await served.close()
      }
    }
  })
})

describe.skipIf(missingSkopeo)(`HTTPS with real clients ${missingSkopeo ?? ''}`.trim(), () => {
  let image: LayoutFixture
  let env: Record<string, string>
  let hermetic: string[]

  beforeAll(async () => {
    image = await writeMultiLayerImage(join(work, 'image'), { seed: 'https' })
    const sandbox = await containersSandbox(join(work, 'containers'))
    hermetic = sandbox.policyArgs
    env = sandbox.env
  }, TIMEOUT)

  const skopeoFails = (...args: string[]) =>
    runToolExpectingFailure('skopeo', [...hermetic, ...args], { env })

  it(
    'skopeo with TLS verification on refuses the registry when it lacks the CA',
    async () => {
      await using registry = await startLocalRegistry({
        tls: { cert: pki.certPem, key: pki.keyPem },
      })
      const host = new URL(registry.url).host
      const failure = await skopeoFails(
        'copy',
        '--dest-tls-verify=true',
        image.reference,
        `docker://${host}/repo/image:v1`,
      )
      expect(failure.stderr).toMatch(/certificate signed by unknown authority|x509/i)
    },
    TIMEOUT,
  )
})

describe('artifact-registry-local serve with --tls-cert and --tls-key', () => {
  it(
    'serves the API over HTTPS to a client that trusts the CA',
    async () => {
      await using server = await startTlsRegistryProcess(work, pki)
      expect(server.url).toMatch(/^https:\/\//)
      // An admin is set, so the base endpoint asks for credentials: over TLS, as registry/2.0.
      expect(await getTrusting(`${server.url}/v2/`, pki.caPem)).toEqual({
        status: 401,
        apiVersion: 'registry/2.0',
      })
    },
    TIMEOUT,
  )

  it.each([
    ['--tls-cert without --tls-key', ['--tls-cert', 'server.crt']],
    ['empty file names', ['--tls-cert=', '--tls-key=']],
  ])('refuses %s rather than serving plain HTTP', async (_, flags) => {
    const { spawnSync } = await import('node:child_process')
    const { CLI } = await import('../support/command.js')
    const run = spawnSync(
      process.execPath,
      [CLI, 'serve', '--data', join(work, 'data2'), ...flags],
      {
        encoding: 'utf8',
      },
    )
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('--tls-cert and --tls-key go together')
  })
})
