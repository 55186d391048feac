import { createHash, randomBytes } from 'node:crypto'
import { startTokenService, type TokenService } from '@artifact-registry/registry-server'
import {
  basicAuth,
  closeAll,
  type DockerRegistry,
  requireTool,
  startDockerRegistry,
} from '@artifact-registry/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalProvider, local } from '../../src/index.js'

// Behind a registry:2, deleteRepository deletes each tagged manifest and its blob links itself.
// A tag of a multi-platform image names an index, whose platform manifests no tag names: left
// behind, they and their layers were still pulled, by digest, from the repository created again
// under the name, by any credential minted for it.

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
const ACCEPT = `${OCI_MANIFEST}, ${OCI_INDEX}`

const sha256 = (bytes: Buffer | string): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`

/** Send a request to the registry:2 with a token for `actions` on `repository`, from `basic`. */
async function withToken(
  tokens: TokenService,
  registryUrl: string,
  basic: string,
  repository: string,
  actions: string,
): Promise<(path: string, init?: RequestInit) => Promise<Response>> {
  const query = new URLSearchParams({
    service: tokens.service,
    scope: `repository:${repository}:${actions}`,
  })
  const res = await fetch(`${tokens.realm}?${query}`, { headers: { authorization: basic } })
  expect(res.status).toBe(200)
  const { token } = (await res.json()) as { token: string }
  return (path, init = {}) =>
    fetch(`${registryUrl}/v2/${repository}${path}`, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
    })
}

interface PushedIndex {
  index: string
  platforms: string[]
  blobs: string[]
}

/** Push a two-platform image (an index over two image manifests) under `tag`. */
async function pushMultiPlatform(
  send: (path: string, init?: RequestInit) => Promise<Response>,
  tag: string,
): Promise<PushedIndex> {
  const blobs: string[] = []
  const platforms: { digest: string; size: number; architecture: string }[] = []
  for (const architecture of ['amd64', 'arm64']) {
    const config = Buffer.from(JSON.stringify({ architecture, os: 'linux', tag }))
    const layer = Buffer.from(`layer of ${architecture} ${tag}`)
    for (const blob of [config, layer]) {
      const digest = sha256(blob)
      const res = await send(`/blobs/uploads/`, { method: 'POST' })
      expect(res.status).toBe(202)
      await res.body?.cancel()
      const location = new URL(res.headers.get('location') ?? '', 'http://x')
      location.searchParams.set('digest', digest)
      const put = await send(
        `${location.pathname.replace(/^\/v2\/.+?\/blobs\//, '/blobs/')}${location.search}`,
        {
          method: 'PUT',
          headers: { 'content-type': 'application/octet-stream' },
          body: blob,
        },
      )
      expect(put.status).toBe(201)
      await put.body?.cancel()
      blobs.push(digest)
    }
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256(config),
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: sha256(layer),
          size: layer.length,
        },
      ],
    })
    const digest = sha256(manifest)
    const put = await send(`/manifests/${digest}`, {
      method: 'PUT',
      headers: { 'content-type': OCI_MANIFEST },
      body: manifest,
    })
    expect(put.status).toBe(201)
    await put.body?.cancel()
    platforms.push({ digest, size: Buffer.byteLength(manifest), architecture })
  }
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: platforms.map((p) => ({
      mediaType: OCI_MANIFEST,
      digest: p.digest,
      size: p.size,
      platform: { architecture: p.architecture, os: 'linux' },
    })),
  })
  const put = await send(`/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': OCI_INDEX },
    body: index,
  })
  expect(put.status).toBe(201)
  await put.body?.cancel()
  return { index: sha256(index), platforms: platforms.map((p) => p.digest), blobs }
}

const missing = requireTool('docker-registry')

describe.skipIf(missing)(
  `deleteRepository of a multi-platform image behind registry:2 ${missing ?? ''}`.trim(),
  () => {
    let tokens: TokenService
    let registry2: DockerRegistry
    let provider: LocalProvider
    beforeAll(async () => {
      tokens = await startTokenService({ admin: ADMIN })
      registry2 = await startDockerRegistry({ auth: { token: tokens } })
      provider = await local({ url: registry2.url, bindingName: 'multi', adminCredentials: ADMIN })
    }, 60_000)
    afterAll(() => closeAll(provider, registry2, tokens))

    it('deletes the platform manifests and their blobs too: none is pulled from the repository created again', async () => {
      const { name } = await provider.createRepository('app')
      const push = await provider.generateCredentials(name, 'push-pull')
      const pushing = await withToken(
        tokens,
        registry2.url,
        basicAuth(push.username, push.password),
        name,
        'pull,push',
      )
      const pushed = await pushMultiPlatform(pushing, 'v1')

      await provider.deleteRepository(name)
      await provider.createRepository('app')
      const pull = await provider.generateCredentials(name, 'pull')
      const pulling = await withToken(
        tokens,
        registry2.url,
        basicAuth(pull.username, pull.password),
        name,
        'pull',
      )
      for (const digest of [pushed.index, ...pushed.platforms]) {
        const res = await pulling(`/manifests/${digest}`, { headers: { accept: ACCEPT } })
        await res.body?.cancel()
        expect(res.status, `manifest ${digest}`).toBe(404)
      }
      for (const digest of pushed.blobs) {
        const res = await pulling(`/blobs/${digest}`)
        await res.body?.cancel()
        expect(res.status, `blob ${digest}`).toBe(404)
      }
    }, 60_000)
  },
)
