import { setTimeout as sleep } from 'node:timers/promises'
import { randomBlob } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { type Content, content, imageIndex, MediaType, payload } from '../support/content.js'
import { expectBlob, expectOciError, expectStatus } from '../support/expectations.js'
import { OciClient } from '../support/oci-client.js'
import { randomRepo, useRepository } from '../support/registry.js'

// BuildKit's registry cache (`--cache-to type=registry`) is an index whose children are blobs,
// its layers and its cache config, not manifests; distribution accepts it when those blobs are
// in the repository (docs/oci-distribution.md#manifests).
const CACHE_CONFIG = 'application/vnd.buildkit.cacheconfig.v0'
const layer = content(randomBlob(300), MediaType.layerTarGzip)
const cacheConfig = content(new TextEncoder().encode('{"layers":[],"records":[]}'), CACHE_CONFIG)
const { oci, repo } = useRepository(() => startLocalRegistry(), 'index-blob-children', [
  layer,
  cacheConfig,
])

/** The cache index in Docker's form (BuildKit's `oci-mediatypes=false`). */
function dockerList(children: Content[]): Content {
  const list = {
    schemaVersion: 2,
    mediaType: MediaType.dockerList,
    manifests: children.map((c) => c.descriptor),
  }
  return content(new TextEncoder().encode(JSON.stringify(list)), MediaType.dockerList)
}

describe('an index whose children are blobs of the repository', () => {
  it('end-7a,end-3 an OCI index of a layer and a cache config → 201, then GET → the bytes', async () => {
    const cache = imageIndex([layer.descriptor, cacheConfig.descriptor])
    const put = await oci().putManifest(repo, 'cache', payload(cache))
    expectStatus(put, 201)
    const get = await oci().getManifest(repo, 'cache')
    expectStatus(get, 200)
    expect(Buffer.from(get.body).equals(Buffer.from(cache.bytes)), get.what).toBe(true)
    expectBlob(
      await oci().getBlob(repo, layer.descriptor.digest),
      layer.bytes,
      layer.descriptor.digest,
      'GET',
    )
  })

  it('end-7a a Docker manifest list of the same blobs → 201', async () => {
    const put = await oci().putManifest(
      repo,
      'cache-docker',
      payload(dockerList([layer, cacheConfig])),
    )
    expectStatus(put, 201)
  })

  it('end-7a a child that is neither a manifest nor a blob of the repository → 400 MANIFEST_BLOB_UNKNOWN', async () => {
    // The blob exists, but only in another repository: it must not count.
    const elsewhere = randomRepo('index-blob-children-other')
    const stray = content(randomBlob(50), MediaType.layerTarGzip)
    await oci().pushBlob(elsewhere, stray.bytes, stray.descriptor.digest)
    const put = await oci().putManifest(
      repo,
      'stray',
      payload(imageIndex([layer.descriptor, stray.descriptor])),
    )
    expectOciError(put, 400, 'MANIFEST_BLOB_UNKNOWN')
    expect(JSON.parse(new TextDecoder().decode(put.body)).errors[0].detail, put.what).toEqual({
      digest: stray.descriptor.digest,
    })
  })

  it('end-2 garbage collection keeps the blobs such an index names', async () => {
    await using registry = await startLocalRegistry({
      gcGracePeriodSeconds: 1,
      gcIntervalSeconds: 0,
    })
    const client = new OciClient(registry.url)
    const cacheRepo = randomRepo('index-blob-children-gc')
    const orphan = content(randomBlob(40), MediaType.layerTarGzip)
    for (const blob of [layer, cacheConfig, orphan]) {
      await client.pushBlob(cacheRepo, blob.bytes, blob.descriptor.digest)
    }
    await client.pushManifest(
      cacheRepo,
      'cache',
      payload(imageIndex([layer.descriptor, cacheConfig.descriptor])),
    )
    await sleep(1100) // past the grace period
    await registry.collectGarbage()
    for (const child of [layer, cacheConfig]) {
      const { digest } = child.descriptor
      expectBlob(await client.getBlob(cacheRepo, digest), child.bytes, digest, 'GET')
    }
    // Collection did run: the blob nothing names is gone.
    expectStatus(await client.getBlob(cacheRepo, orphan.descriptor.digest), 404)
  })
})
