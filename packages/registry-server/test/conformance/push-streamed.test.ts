import { digestOf, randomBlob } from '@artifact-registry/test-kit'
import { describe, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { expectBlobCreated, expectHeader, expectStatus } from '../support/expectations.js'
import { useRepository } from '../support/registry.js'

// Push, streamed (what skopeo and containers/image do): POST, one PATCH with no Content-Range
// and no Content-Length, then PUT ?digest= with no body.
const { oci, repo } = useRepository(() => startLocalRegistry(), 'push-streamed')
const blob = randomBlob(1500)
const digest = digestOf(blob)

describe('push: streamed', () => {
  let location = ''

  it('end-4a,end-5 streamed: PATCH without Content-Range → 202 + Location + Range 0-<last>', async () => {
    const post = await oci().startUpload(repo)
    expectStatus(post, 202)
    const patch = await oci().patchStream(post.headers.get('Location') ?? '', blob)
    expectStatus(patch, 202)
    expectHeader(patch, 'Range', `0-${blob.length - 1}`)
    location = patch.headers.get('Location') ?? ''
  })

  it('end-6 streamed: PUT ?digest= with an empty body → 201 + Location', async () => {
    const put = await oci().putUpload(location, digest)
    await expectBlobCreated(oci(), put, blob, digest)
  })
})
