import { createHash, randomBytes } from 'node:crypto'
import { startLocalRegistry } from '@artifact-registry/registry-server'
import { afterAll, describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'
import { pushOneConfigImage } from '../support/admin-push.js'
import { countingProxy } from '../support/counting-proxy.js'

// A connection that fails while an answer's body is read (the registry restarting, the network)
// is as retryable as one that fails before the headers: UNAVAILABLE naming the registry, never an
// INTERNAL error. And a delete that could not read a manifest deletes nothing of it: taken for an
// empty manifest, the manifest went and its blob links stayed, behind a call that resolved.

const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
const basic = `Basic ${Buffer.from(`${admin.username}:${admin.password}`).toString('base64')}`
const registry = await startLocalRegistry({ adminCredentials: admin, logLevel: 'silent' })
let cut: ((method: string, path: string) => boolean) | undefined
// deleteRepository by tag, as behind a registry:2 (see delete-paged-tags.test.ts): the
// repository delete endpoint answers 404 as registry:2 does.
const proxy = await countingProxy(registry.url, {
  answer: (method, path) =>
    method === 'DELETE' && path.startsWith('/_artifact-registry/repositories/') ? 404 : undefined,
  cut: (method, path) => cut?.(method, path) ?? false,
})
afterAll(async () => {
  await proxy[Symbol.asyncDispose]()
  await registry.close()
})

async function cutting<T>(when: (method: string, path: string) => boolean, run: () => Promise<T>) {
  cut = when
  try {
    return await run()
  } finally {
    cut = undefined
  }
}

describe('an answer cut short while its body is read', () => {
  it('fails listRepositories with UNAVAILABLE, retryable, naming the registry', async () => {
    await using provider = await local({
      url: proxy.url,
      bindingName: 'cutlist',
      adminCredentials: admin,
    })
    const { name } = await provider.createRepository('app')
    const listing = cutting(
      (method, path) => method === 'GET' && path === '/v2/_catalog',
      () => provider.listRepositories(),
    )
    await expect(listing).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
      message: expect.stringContaining(proxy.url),
    })
    expect((await provider.listRepositories()).map((r) => r.name)).toEqual([name])
  })

  it('fails generateCredentials with UNAVAILABLE, retryable', async () => {
    await using provider = await local({
      url: proxy.url,
      bindingName: 'cutmint',
      adminCredentials: admin,
      // The registry's realm is on its own port, which the provider would mint at directly.
      tokenServiceUrl: proxy.url,
    })
    const { name } = await provider.createRepository('app')
    const minting = cutting(
      (method, path) => method === 'POST' && path === '/_artifact-registry/credentials',
      () => provider.generateCredentials(name, 'pull'),
    )
    await expect(minting).rejects.toMatchObject({ code: 'UNAVAILABLE', retryable: true })
  })

  it('fails deleteRepository, keeping the manifest it could not read; called again, it deletes it all', async () => {
    await using provider = await local({
      url: proxy.url,
      bindingName: 'cutdelete',
      adminCredentials: admin,
    })
    const { name } = await provider.createRepository('app')
    const config = { architecture: 'amd64', os: 'linux', which: 'kept' }
    const digest = await pushOneConfigImage(registry.url, basic, name, 'v1', config)
    const read = (path: string) =>
      fetch(`${registry.url}/v2/${name}/${path}`, {
        method: 'HEAD',
        headers: { authorization: basic, accept: 'application/vnd.oci.image.manifest.v1+json' },
      }).then((res) => res.status)
    const configDigest = `sha256:${createHash('sha256').update(JSON.stringify(config)).digest('hex')}`

    const deleting = cutting(
      (method, path) => method === 'GET' && path === `/v2/${name}/manifests/${digest}`,
      () => provider.deleteRepository(name),
    )
    await expect(deleting).rejects.toMatchObject({ code: 'UNAVAILABLE', retryable: true })
    expect(await read('manifests/v1')).toBe(200)

    await provider.deleteRepository(name)
    expect(await read('manifests/v1')).toBe(404)
    expect(await read(`blobs/${configDigest}`)).toBe(404)
    await expect(provider.getRepository(name)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})
