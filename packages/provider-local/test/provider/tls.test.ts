import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadArtifactRegistry } from '@artifact-registry/core'
import { type LocalRegistry, startLocalRegistry } from '@artifact-registry/registry-server'
import {
  ADMIN,
  containersSandbox,
  createSelfSigned,
  createTestPki,
  type LayoutFixture,
  requireTool,
  runTool,
  runToolExpectingFailure,
  type TestPki,
  writeCertDir,
  writeMultiLayerImage,
} from '@artifact-registry/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalProvider, local } from '../../src/index.js'
import { fetchTrusting } from '../../src/trusting-fetch.js'
import { startTlsRegistryProcess } from '../support/registry-command.js'

const TIMEOUT = 120_000
const missingSkopeo = requireTool('skopeo')

let work: string
let pki: TestPki
let certDir: string
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'provider-https-'))
  pki = await createTestPki()
  certDir = await writeCertDir(join(work, 'certs'), pki)
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('local() and a registry serving HTTPS', () => {
  let registry: LocalRegistry
  beforeAll(async () => {
    registry = await startLocalRegistry({ tls: { cert: pki.certPem, key: pki.keyPem } })
  })
  afterAll(async () => {
    await registry?.close()
  })

  it('local({ tls }) trusts a self-signed certificate it serves, without being told', async () => {
    const selfSigned = await createSelfSigned()
    await using registry = await local({ tls: selfSigned })
    const { name } = await registry.createRepository('prj_self_signed')
    expect((await registry.getRepository(name)).name).toBe(name)
  })

  it('local() refuses tls together with url: that registry serves its own', async () => {
    await expect(
      local({ url: registry.url, tls: { cert: pki.certPem, key: pki.keyPem } }),
    ).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      issues: [{ path: 'tls', message: expect.any(String) }],
    })
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
    const other = await createTestPki(['registry.example'])
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
})

describe.skipIf(missingSkopeo)(
  `local() over HTTPS with real clients ${missingSkopeo ?? ''}`.trim(),
  () => {
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
  },
)

describe('local({ url }) and artifact-registry-local serve with --tls-cert and --tls-key', () => {
  it(
    'serves HTTPS, and local({ url, caCertificate }) manages repositories through it',
    async () => {
      await using server = await startTlsRegistryProcess(work, pki)
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
})
