import { X509Certificate } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadArtifactRegistry } from '@artifact-registry/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type LocalProvider,
  type LocalRegistry,
  local,
  startLocalRegistry,
} from '../../src/index.js'
import { fetchTrusting } from '../../src/trusting-fetch.js'
import { containersSandbox } from '../support/containers-sandbox.js'
import { type LayoutFixture, writeMultiLayerImage } from '../support/oci-layout.js'
import { ADMIN, startRegistryProcess } from '../support/registry-process.js'
import { createSelfSigned, createTestPki, type TestPki, writeCertDir } from '../support/test-pki.js'
import { requireTool, runTool, runToolExpectingFailure } from '../support/tools.js'

const TIMEOUT = 120_000
const missingSkopeo = requireTool('skopeo')

let work: string
let pki: TestPki
let certDir: string
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'registry-https-'))
  pki = createTestPki()
  certDir = await writeCertDir(join(work, 'certs'), pki)
})
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
    const transport = fetchTrusting([pki.caPem])
    const res = await transport.fetch(`${registry.url}/v2/`)
    transport.close()
    expect(res.status).toBe(200)
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0')
  })

  it('is refused by a client that does not trust the CA', async () => {
    const error = await fetch(`${registry.url}/v2/`).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect(String((error as TypeError).cause)).toMatch(/certificate/i)
  })

  it('local({ tls }) trusts a self-signed certificate it serves, without being told', async () => {
    const selfSigned = createSelfSigned()
    await using registry = await local({ tls: selfSigned })
    const { name } = await registry.createRepository('prj_self_signed')
    expect((await registry.getRepository(name)).name).toBe(name)
  })

  it('local() refuses tls together with url: that registry serves its own', async () => {
    await expect(
      local({ url: registry.url, tls: { cert: pki.certPem, key: pki.keyPem } }),
    ).rejects.toThrow(TypeError)
  })

  it('a registry that is down is UNAVAILABLE through the CA-trusting transport too', async () => {
    const down = await startLocalRegistry({ tls: { cert: pki.certPem, key: pki.keyPem } })
    const url = down.url
    await down.close()
    await using provider = await local({ url, caCertificate: pki.caPem, adminCredentials: ADMIN })
    await expect(provider.createRepository('prj_down')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/ECONNREFUSED/),
    })
  })

  it('checks the certificate names: the right CA is not enough for another host name', async () => {
    const other = createTestPki(['registry.example'])
    await using wrongName = await startLocalRegistry({
      tls: { cert: other.certPem, key: other.keyPem },
    })
    const transport = fetchTrusting([other.caPem])
    const error = await transport.fetch(`${wrongName.url}/v2/`).catch((e: unknown) => e)
    transport.close()
    // Rejected as the global fetch rejects: a TypeError whose cause is the TLS error.
    expect(error).toBeInstanceOf(TypeError)
    expect((error as TypeError).cause).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' })
  })

  it('answers no plain HTTP on its port', async () => {
    const plain = registry.url.replace('https://', 'http://')
    await expect(fetch(`${plain}/v2/`)).rejects.toThrow()
  })

  it('refuses a certificate without its key, or a key that is not PEM, with a TypeError', async () => {
    await expect(startLocalRegistry({ tls: { cert: pki.certPem, key: '' } })).rejects.toThrow(
      /tls needs both cert and key/,
    )
    await expect(
      startLocalRegistry({ tls: { cert: pki.certPem, key: 'not a key' } }),
    ).rejects.toThrow(TypeError)
    const mismatched = createTestPki()
    await expect(
      startLocalRegistry({ tls: { cert: pki.certPem, key: mismatched.keyPem } }),
    ).rejects.toThrow(/tls: cannot use this certificate and key/)
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

  const skopeo = (...args: string[]) => runTool('skopeo', [...hermetic, ...args], { env })
  const skopeoFails = (...args: string[]) =>
    runToolExpectingFailure('skopeo', [...hermetic, ...args], { env })
  const creds = (c: { username: string; password: string }) => `${c.username}:${c.password}`

  it(
    'local({ tls }): skopeo pushes and pulls with minted credentials and verified TLS',
    async () => {
      // A certificate from a private CA: the provider is told which CA to trust.
      await using registry = await local({
        tls: { cert: pki.certPem, key: pki.keyPem },
        caCertificate: pki.caPem,
      })
      expect(registry.registryEndpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
      const { name } = await registry.createRepository('prj_https')
      const host = new URL(registry.registryEndpoint).host
      const pushPull = await registry.generateCredentials(name, 'push-pull')
      const pull = await registry.generateCredentials(name, 'pull')
      const target = `docker://${host}/${name}:v1`

      await skopeo(
        'copy',
        '--dest-cert-dir',
        certDir,
        '--dest-creds',
        creds(pushPull),
        image.reference,
        target,
      )
      const inspected = JSON.parse(
        (await skopeo('inspect', '--cert-dir', certDir, '--creds', creds(pull), target)).stdout,
      ) as { Digest: string }
      expect(inspected.Digest).toBe(image.digest)

      // Scope still holds over TLS: pull credentials cannot push.
      const refused = await skopeoFails(
        'copy',
        '--dest-cert-dir',
        certDir,
        '--dest-creds',
        creds(pull),
        image.reference,
        `docker://${host}/${name}:v2`,
      )
      expect(refused.stderr).toMatch(/denied|unauthorized|403/i)
    },
    TIMEOUT,
  )

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
    'serves HTTPS, and local({ url, caCertificate }) manages repositories through it',
    async () => {
      const certFile = join(work, 'server.crt')
      const keyFile = join(work, 'server.key')
      await writeFile(certFile, pki.certPem)
      await writeFile(keyFile, pki.keyPem, { mode: 0o600 })
      await using server = await startRegistryProcess(join(work, 'data'), [
        ...['--tls-cert', certFile, '--tls-key', keyFile],
      ])
      expect(server.url).toMatch(/^https:\/\//)

      await using trusting = await local({
        url: server.url,
        adminCredentials: ADMIN,
        caCertificate: pki.caPem,
      })
      const { name } = await trusting.createRepository('prj_remote_tls')
      expect(await trusting.getRepository(name)).toMatchObject({ name })
      const minted = await trusting.generateCredentials(name, 'pull')
      expect(minted.username).not.toBe('')

      // The same through a binding in the environment, as an application configures it.
      const variable = 'ARTIFACT_REGISTRY_TLS_REGISTRY_BINDING'
      const binding = { platform: 'local', url: server.url, adminCredentials: ADMIN }
      const env = { [variable]: JSON.stringify({ ...binding, caCertificate: pki.caPem }) }
      await using configured = (await loadArtifactRegistry('tls-registry', env)) as LocalProvider
      expect((await configured.getRepository(name)).name).toBe(name)

      // Without the CA the provider cannot reach it: a typed error naming the certificate
      // problem, not a silent plain-HTTP retry.
      await using untrusting = await local({ url: server.url, adminCredentials: ADMIN })
      await expect(untrusting.createRepository('prj_remote_tls_2')).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringMatching(/UNABLE_TO_VERIFY_LEAF_SIGNATURE/),
      })
    },
    TIMEOUT,
  )

  it.each([
    ['--tls-cert without --tls-key', ['--tls-cert', 'server.crt']],
    ['empty file names', ['--tls-cert=', '--tls-key=']],
  ])('refuses %s rather than serving plain HTTP', async (_, flags) => {
    const { spawnSync } = await import('node:child_process')
    const { CLI } = await import('../support/registry-process.js')
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
