import { digestOf, randomBlob, unknownDigest } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { expectBlob, expectBlobCreated, expectStatus } from '../support/expectations.js'
import type { OciResponse } from '../support/oci-client.js'
import { useRepository } from '../support/registry.js'

// Push, monolithic: single POST (end-4b, which may fall back to 202) and POST then PUT.
const { oci, repo } = useRepository(() => startLocalRegistry(), 'push-monolithic')
const config = new TextEncoder().encode(
  JSON.stringify({ author: 'monolithic', salt: digestOf(randomBlob(8)) }),
)
const configDigest = digestOf(config)
const layer = randomBlob(4096)
const layerDigest = digestOf(layer)

describe('push: monolithic', () => {
  let singlePost: OciResponse | undefined
  let location = ''

  it('end-2 monolithic: GET a missing blob → 404', async () => {
    expectStatus(await oci().getBlob(repo, unknownDigest()), 404)
  })

  it('end-4b monolithic: POST ?digest= with the blob → 201 or 202, with Location', async () => {
    singlePost = await oci().postBlob(repo, config, configDigest)
    expectStatus(singlePost, 201, 202)
    expect(singlePost.headers.get('Location'), singlePost.what).toBeTruthy()
  })

  it('end-2 monolithic: GET the blob → 200 after a 201, 404 after a 202', async () => {
    const get = await oci().getBlob(repo, configDigest)
    if (singlePost?.status === 201) expectBlob(get, config, configDigest, 'GET')
    else expectStatus(get, 404)
  })

  it('end-4a monolithic: POST → 202 with an upload Location', async () => {
    const post = await oci().startUpload(repo)
    expectStatus(post, 202)
    location = post.headers.get('Location') ?? ''
    expect(location, post.what).toBeTruthy()
  })

  it('end-6 monolithic: PUT the config with ?digest= → 201 + Location', async () => {
    const put = await oci().putUpload(location, configDigest, { body: config })
    await expectBlobCreated(oci(), put, config, configDigest)
  })

  it('end-2 monolithic: GET the config → 200', async () => {
    expectBlob(await oci().getBlob(repo, configDigest), config, configDigest, 'GET')
  })

  it('end-4a,end-6 monolithic: POST then PUT a layer → 201 + Location', async () => {
    const post = await oci().startUpload(repo)
    expectStatus(post, 202)
    const put = await oci().putUpload(post.headers.get('Location') ?? '', layerDigest, {
      body: layer,
    })
    await expectBlobCreated(oci(), put, layer, layerDigest)
  })

  it('end-2 monolithic: GET the layer → 200', async () => {
    expectBlob(await oci().getBlob(repo, layerDigest), layer, layerDigest, 'GET')
  })
})
