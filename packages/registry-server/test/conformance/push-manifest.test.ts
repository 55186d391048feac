import { randomToken } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import {
  type Content,
  EMPTY_JSON_CONTENT,
  imageManifest,
  payload,
  sampleImage,
} from '../support/content.js'
import { expectManifest, expectStatus } from '../support/expectations.js'
import { useRepository } from '../support/registry.js'
import { headerValues, tagsOf } from '../support/responses.js'

// Push, manifest upload: the same manifest under four tags, and a manifest with no layers.
const { config, layer, manifest } = sampleImage('push-manifest', 256)
const noLayers: Content = imageManifest(EMPTY_JSON_CONTENT.descriptor, [])
const { oci, repo } = useRepository(() => startLocalRegistry(), 'push-manifest', [
  config,
  layer,
  EMPTY_JSON_CONTENT,
])

describe('push: manifest upload', () => {
  it('end-3 manifest upload: GET a missing manifest → 404', async () => {
    expectStatus(await oci().getManifest(repo, `missing-${randomToken()}`), 404)
  })

  it('end-7a manifest upload: PUT under tags test0…test3 → 201 + Location each', async () => {
    for (const tag of ['test0', 'test1', 'test2', 'test3']) {
      const put = await oci().putManifest(repo, tag, payload(manifest))
      expectStatus(put, 201)
      expect(put.headers.get('Location'), put.what).toBeTruthy()
    }
  })

  it('end-7a manifest upload: a manifest with no layers → 201 + Location', async () => {
    const put = await oci().putManifest(repo, 'emptylayer', payload(noLayers))
    expectStatus(put, 201)
    expect(put.headers.get('Location'), put.what).toBeTruthy()
  })

  it('end-3 manifest upload: GET by digest → 200', async () => {
    const get = await oci().getManifest(repo, manifest.descriptor.digest)
    expectManifest(get, manifest, 'GET')
  })

  it('end-7b manifest upload: PUT by digest with 10 ?tag= → 201 with an OCI-Tag for each', async () => {
    const tags = Array.from({ length: 10 }, (_, i) => `multi-${i}`)
    const put = await oci().putManifest(repo, manifest.descriptor.digest, payload(manifest), {
      tags,
    })
    expectStatus(put, 201)
    expect(headerValues(put, 'OCI-Tag').sort(), put.what).toEqual([...tags].sort())
    const list = await oci().listTags(repo)
    for (const tag of tags) expect(tagsOf(list), list.what).toContain(tag)
  })
})
