import { randomBytes } from 'node:crypto'
import { startLocalRegistry } from '@artifact-registry/registry-server'
import { afterAll, describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'
import { pushOneConfigImage } from '../support/admin-push.js'
import { countingProxy } from '../support/counting-proxy.js'

// Behind a registry without our delete endpoint (a registry:2), deleteRepository deletes each
// tagged manifest itself, from tags/list: a registry may answer that list a page at a time even
// when no `n` asked for one, so every page must be read or the images of later tags survive.

const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
const basic = `Basic ${Buffer.from(`${admin.username}:${admin.password}`).toString('base64')}`
// One tag a page: a listing that stops at the first page sees one tag of three.
const registry = await startLocalRegistry({
  adminCredentials: admin,
  logLevel: 'silent',
  maxPageEntries: 1,
})
// The registry:2 answer to our delete endpoint, and a failing tags/list (every page, or those
// after the first) or a Link back to the first page when a test asks for one.
let failTags: number | 'later pages 404' | undefined
let linkBack = false
// The status a HEAD of a manifest by tag (not the marker, read by digest) gets, when set.
let failTagHead: number | undefined
// The status a GET of a manifest by digest (what the delete reads its blobs from) gets, when set.
let failManifestGet: number | undefined
const proxy = await countingProxy(registry.url, {
  answer: (method, path, url) => {
    if (method === 'DELETE' && path.startsWith('/_artifact-registry/')) return 404
    if (method === 'HEAD' && /\/manifests\/(?!sha256:)/.test(path)) return failTagHead
    if (method === 'GET' && path.includes('/manifests/sha256:')) return failManifestGet
    if (!path.endsWith('/tags/list')) return undefined
    if (failTags === 'later pages 404') return url.includes('last=') ? 404 : undefined
    return failTags
  },
  link: (url, link) =>
    linkBack && url.includes('/tags/list?')
      ? `<${new URL(url, 'http://x').pathname}>; rel="next"`
      : link,
})
afterAll(async () => {
  await proxy[Symbol.asyncDispose]()
  await registry.close()
})

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'

/** Push a distinct one-config image as `repository:tag`, as the admin, straight to the registry. */
async function pushImage(repository: string, tag: string): Promise<void> {
  const config = { tag, architecture: 'amd64', os: 'linux' }
  await pushOneConfigImage(registry.url, basic, repository, tag, config)
}

describe('deleteRepository behind a registry without the delete endpoint', () => {
  it('deletes the image of every tag, on every page of tags/list', async () => {
    await using provider = await local({
      url: proxy.url,
      bindingName: 'paged',
      adminCredentials: admin,
    })
    const { name } = await provider.createRepository('app')
    const tags = ['one', 'three', 'two']
    for (const tag of tags) await pushImage(name, tag)
    proxy.take()
    await provider.deleteRepository(name)
    expect(proxy.take()).toContain('DELETE /_artifact-registry/repositories/paged/app 404')
    for (const tag of tags) {
      const left = await fetch(`${registry.url}/v2/${name}/manifests/${tag}`, {
        method: 'HEAD',
        headers: { authorization: basic, accept: OCI_MANIFEST },
      })
      expect(left.status, `${name}:${tag}`).toBe(404)
    }
    await expect(provider.getRepository(name)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('fails, rather than reporting a deletion, when tags/list cannot be read', async () => {
    await using provider = await local({
      url: proxy.url,
      bindingName: 'unread',
      adminCredentials: admin,
    })
    const { name } = await provider.createRepository('app')
    await pushImage(name, 'kept')
    failTags = 503
    try {
      await expect(provider.deleteRepository(name)).rejects.toThrow(/503/)
    } finally {
      failTags = undefined
    }
  })

  it.each([503, 429, 401])(
    'fails, rather than reporting a deletion, when the HEAD of a tag answers %i',
    async (status) => {
      await using provider = await local({
        url: proxy.url,
        bindingName: `head${status}`,
        adminCredentials: admin,
      })
      const { name } = await provider.createRepository('app')
      await pushImage(name, 'kept')
      failTagHead = status
      try {
        await expect(provider.deleteRepository(name)).rejects.toThrow(String(status))
      } finally {
        failTagHead = undefined
      }
      // The image stays, and the call said so: called again, the deletion is whole.
      await provider.deleteRepository(name)
      await expect(provider.getRepository(name)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    },
  )

  it('fails, rather than deleting a manifest but not its blobs, when the manifest cannot be read', async () => {
    await using provider = await local({
      url: proxy.url,
      bindingName: 'unreadmanifest',
      adminCredentials: admin,
    })
    const { name } = await provider.createRepository('app')
    await pushImage(name, 'kept')
    proxy.take()
    failManifestGet = 503
    try {
      await expect(provider.deleteRepository(name)).rejects.toThrow('503')
    } finally {
      failManifestGet = undefined
    }
    expect(proxy.take()).not.toContainEqual(expect.stringMatching(/^DELETE \/v2\/.*\/manifests\//))
  })

  it('fails, rather than reporting a deletion, when a later page of tags/list is gone', async () => {
    await using provider = await local({
      url: proxy.url,
      bindingName: 'gone',
      adminCredentials: admin,
    })
    const { name } = await provider.createRepository('app')
    for (const tag of ['a', 'b']) await pushImage(name, tag)
    failTags = 'later pages 404'
    try {
      await expect(provider.deleteRepository(name)).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringContaining('tags/list'),
      })
    } finally {
      failTags = undefined
    }
    const kept = await fetch(`${registry.url}/v2/${name}/manifests/b`, {
      method: 'HEAD',
      headers: { authorization: basic, accept: OCI_MANIFEST },
    })
    expect(kept.status).toBe(200)
  })

  it('fails, rather than reading forever, when a Link leads back to a page already read', async () => {
    await using provider = await local({
      url: proxy.url,
      bindingName: 'loop',
      adminCredentials: admin,
    })
    const { name } = await provider.createRepository('app')
    for (const tag of ['a', 'b']) await pushImage(name, tag)
    linkBack = true
    try {
      await expect(provider.deleteRepository(name)).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringContaining('pages wrongly'),
      })
    } finally {
      linkBack = false
    }
  })
})
