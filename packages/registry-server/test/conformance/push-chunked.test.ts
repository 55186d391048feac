import { digestOf, randomBlob } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import {
  expectBlobCreated,
  expectHeader,
  expectOciError,
  expectStatus,
} from '../support/expectations.js'
import { useRepository } from '../support/registry.js'

// Push, chunked, with the 416 recovery path of the v1.1.1 suite, plus the digest-algorithm
// parameter (end-4c) of `main`.
const { oci, repo } = useRepository(() => startLocalRegistry(), 'push-chunked')

/** Two chunks; resized when the registry advertises a minimum chunk length. */
let blob = randomBlob(42)
const chunks = (): [Uint8Array, Uint8Array] => {
  const half = Math.ceil(blob.length / 2)
  return [blob.subarray(0, half), blob.subarray(half)]
}

describe('push: chunked', () => {
  let firstLocation = ''
  let location = ''

  it('end-5 chunked: out-of-order first PATCH → 416', async () => {
    const post = await oci().startUpload(repo)
    expectStatus(post, 202)
    const min = Number(post.headers.get('OCI-Chunk-Min-Length') ?? 0)
    if (min > blob.length / 2) blob = randomBlob(min * 2 - 2)
    const [first, second] = chunks()
    const patch = await oci().patchChunk(post.headers.get('Location') ?? '', second, first.length)
    expectStatus(patch, 416)
  })

  it('end-5 chunked: first chunk → 202 with Range exactly 0-<end of chunk>', async () => {
    const post = await oci().startUpload(repo)
    expectStatus(post, 202)
    firstLocation = post.headers.get('Location') ?? ''
    const [first] = chunks()
    const patch = await oci().patchChunk(firstLocation, first, 0)
    expectStatus(patch, 202)
    expectHeader(patch, 'Range', `0-${first.length - 1}`)
    expect(patch.headers.get('Location'), patch.what).toBeTruthy()
  })

  it('end-5 chunked: resending chunk 1 at the old location → 416', async () => {
    const [first] = chunks()
    expectStatus(await oci().patchChunk(firstLocation, first, 0), 416)
  })

  it('end-13 chunked: GET upload status → 204 with Location and the same Range', async () => {
    const status = await oci().uploadStatus(firstLocation)
    expectStatus(status, 204)
    expectHeader(status, 'Range', `0-${chunks()[0].length - 1}`)
    location = status.headers.get('Location') ?? ''
    expect(location, status.what).toBeTruthy()
  })

  it('end-5 chunked: second chunk → 202 + Location', async () => {
    const [first, second] = chunks()
    const patch = await oci().patchChunk(location, second, first.length)
    expectStatus(patch, 202)
    expectHeader(patch, 'Range', `0-${blob.length - 1}`)
    location = patch.headers.get('Location') ?? ''
    expect(location, patch.what).toBeTruthy()
  })

  it('end-6 chunked: PUT ?digest= with an empty body → 201 + Location', async () => {
    const put = await oci().putUpload(location, digestOf(blob))
    await expectBlobCreated(oci(), put, blob, digestOf(blob))
  })
})

describe('push: digest-algorithm', () => {
  it('end-4c chunked: POST ?digest-algorithm=sha512 → 202, and the upload completes as sha512', async () => {
    const data = randomBlob(3000)
    const post = await oci().startUpload(repo, { 'digest-algorithm': 'sha512' })
    expectStatus(post, 202)
    const patch = await oci().patchChunk(post.headers.get('Location') ?? '', data, 0)
    expectStatus(patch, 202)
    const put = await oci().putUpload(patch.headers.get('Location') ?? '', digestOf(data, 'sha512'))
    await expectBlobCreated(oci(), put, data, digestOf(data, 'sha512'))
  })

  it('end-4c chunked: POST ?digest-algorithm=md5 (unsupported) → 400 with a JSON error', async () => {
    expectOciError(await oci().startUpload(repo, { 'digest-algorithm': 'md5' }), 400)
  })
})
