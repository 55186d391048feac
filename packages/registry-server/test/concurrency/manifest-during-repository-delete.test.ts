import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { platform, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { imageManifest, pushBlob, sha256 } from '../support/push.js'
import { sleep, ThreadPoolGate } from '../support/thread-pool-gate.js'

const REPOSITORY = 'race/deleted'
const IMAGE_TYPE = 'application/vnd.oci.image.manifest.v1+json'
const INDEX_TYPE = 'application/vnd.oci.image.index.v1+json'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'manifest-during-delete-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A request's status and the first error code of its body, if any. */
async function answer(res: Promise<Response>): Promise<{ status: number; code?: string }> {
  const done = await res
  const text = await done.text()
  const code = text === '' ? undefined : (JSON.parse(text) as { errors?: { code: string }[] })
  return { status: done.status, ...(code?.errors?.[0] && { code: code.errors[0].code }) }
}

/**
 * PUT `manifest` as `tag` while the repository is deleted: the server's file operations wait
 * until the deletion has been queued after the PUT's lookups of what the manifest references,
 * then run one at a time in that order. The deletion therefore lands after the PUT checked its
 * references and before it writes.
 */
async function putDuringDelete(
  url: string,
  tag: string,
  manifest: Buffer,
  mediaType: string,
): Promise<{ put: { status: number; code?: string }; deleted: number }> {
  const gate = await ThreadPoolGate.close(dir)
  try {
    const put = answer(
      fetch(`${url}/v2/${REPOSITORY}/manifests/${tag}`, {
        method: 'PUT',
        body: manifest,
        headers: { 'content-type': mediaType },
      }),
    )
    // Long enough for the server to read and parse the PUT and queue its lookups.
    await sleep(100)
    const deleted = fetch(`${url}/_artifact-registry/repositories/${REPOSITORY}`, {
      method: 'DELETE',
    }).then(async (res) => {
      await res.arrayBuffer()
      return res.status
    })
    await sleep(100)
    gate.releaseOne()
    return { put: await put, deleted: await deleted }
  } finally {
    await gate.open()
  }
}

/** An image manifest whose config and layer are pushed into REPOSITORY (the manifest is not). */
async function manifestOfPushedBlobs(url: string): Promise<Buffer> {
  const config = Buffer.from('{}')
  const layer = randomBytes(4096)
  const configDigest = await pushBlob(url, REPOSITORY, config)
  const layerDigest = await pushBlob(url, REPOSITORY, layer)
  return imageManifest({ digest: configDigest, size: config.byteLength }, [
    { digest: layerDigest, size: layer.byteLength },
  ])
}

describe.skipIf(platform() === 'win32')(
  'a manifest PUT racing the deletion of its repository',
  () => {
    it('is refused once the deletion unlinked its layers, rather than stored as an image no one can pull', async () => {
      await using registry = await startLocalRegistry({
        dataDir: join(dir, 'data'),
        logLevel: 'silent',
      })
      const manifest = await manifestOfPushedBlobs(registry.url)

      const { put, deleted } = await putDuringDelete(registry.url, 'v1', manifest, IMAGE_TYPE)

      expect(deleted).toBe(202)
      // The deletion came first: a manifest stored after it would name layers the repository no
      // longer holds. Before, the PUT was answered 201 and the tag pulled a manifest whose every
      // layer was 404 BLOB_UNKNOWN, in a repository just deleted.
      expect(put).toEqual({ status: 400, code: 'MANIFEST_BLOB_UNKNOWN' })
      const pulled = await fetch(`${registry.url}/v2/${REPOSITORY}/manifests/v1`, {
        headers: { accept: IMAGE_TYPE },
      })
      await pulled.arrayBuffer()
      expect(pulled.status).toBe(404)
      const catalog = (await (await fetch(`${registry.url}/v2/_catalog`)).json()) as {
        repositories: string[]
      }
      expect(catalog.repositories).not.toContain(REPOSITORY)
    })

    it('an index is refused once the deletion removed its child manifests', async () => {
      await using registry = await startLocalRegistry({
        dataDir: join(dir, 'data'),
        logLevel: 'silent',
      })
      const child = await manifestOfPushedBlobs(registry.url)
      const childDigest = sha256(child)
      const pushed = await fetch(`${registry.url}/v2/${REPOSITORY}/manifests/${childDigest}`, {
        method: 'PUT',
        body: child,
        headers: { 'content-type': IMAGE_TYPE },
      })
      await pushed.arrayBuffer()
      expect(pushed.status).toBe(201)
      const index = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: INDEX_TYPE,
          manifests: [{ mediaType: IMAGE_TYPE, digest: childDigest, size: child.byteLength }],
        }),
      )

      const { put, deleted } = await putDuringDelete(registry.url, 'multi', index, INDEX_TYPE)

      expect(deleted).toBe(202)
      expect(put).toEqual({ status: 400, code: 'MANIFEST_BLOB_UNKNOWN' })
      const pulled = await fetch(`${registry.url}/v2/${REPOSITORY}/manifests/multi`, {
        headers: { accept: INDEX_TYPE },
      })
      await pulled.arrayBuffer()
      expect(pulled.status).toBe(404)
    })
  },
)
