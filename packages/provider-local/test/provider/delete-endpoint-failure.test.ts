import { randomBytes } from 'node:crypto'
import { startLocalRegistry } from '@artifact-registry/registry-server'
import { afterAll, describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'
import { pushOneConfigImage } from '../support/admin-push.js'
import { countingProxy } from '../support/counting-proxy.js'

// deleteRepository falls back to deleting tag by tag only on a registry that has no delete
// endpoint of ours (a registry:2 answers 404). Our registry answering that endpoint with a
// failure (a full disk, a 429 while the admin's password checks are flooded) once made the
// provider take it for a registry:2: the tags went, the call resolved, and a manifest pushed by
// digest stayed in the repository, pullable by a credential of one re-created under its name.

const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
const basic = `Basic ${Buffer.from(`${admin.username}:${admin.password}`).toString('base64')}`
const registry = await startLocalRegistry({ adminCredentials: admin, logLevel: 'silent' })
let failDelete: number | undefined
const proxy = await countingProxy(registry.url, {
  answer: (method, path) =>
    method === 'DELETE' && path.startsWith('/_artifact-registry/repositories/')
      ? failDelete
      : undefined,
})
afterAll(async () => {
  await proxy[Symbol.asyncDispose]()
  await registry.close()
})

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'

/** Push a one-config image by digest only (no tag), straight to the registry; its digest. */
function pushUntagged(repository: string): Promise<string> {
  return pushOneConfigImage(registry.url, basic, repository, undefined, { untagged: repository })
}

describe('deleteRepository when our delete endpoint fails', () => {
  it.each([500, 503, 429])(
    'rejects on %i, leaving the repository as it was, rather than deleting tag by tag',
    async (status) => {
      await using provider = await local({
        url: proxy.url,
        bindingName: `failed${status}`,
        adminCredentials: admin,
      })
      const { name } = await provider.createRepository('app')
      const untagged = await pushUntagged(name)
      failDelete = status
      try {
        await expect(provider.deleteRepository(name)).rejects.toMatchObject({
          message: expect.stringContaining(String(status)),
        })
      } finally {
        failDelete = undefined
      }
      expect(proxy.take()).not.toContainEqual(expect.stringMatching(/^DELETE \/v2\//))
      const kept = await fetch(`${registry.url}/v2/${name}/manifests/${untagged}`, {
        method: 'HEAD',
        headers: { authorization: basic, accept: OCI_MANIFEST },
      })
      expect(kept.status).toBe(200)
      // Called again once the endpoint answers, the deletion is whole: nothing is left.
      await provider.deleteRepository(name)
      const gone = await fetch(`${registry.url}/v2/${name}/manifests/${untagged}`, {
        method: 'HEAD',
        headers: { authorization: basic, accept: OCI_MANIFEST },
      })
      expect(gone.status).toBe(404)
    },
  )
})
