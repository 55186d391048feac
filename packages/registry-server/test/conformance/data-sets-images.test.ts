import { describe, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { payload } from '../support/content.js'
import { dataSetSuite } from '../support/data-set-suite.js'
import { dataSets } from '../support/data-sets.js'
import { expectOciError, expectStatus } from '../support/expectations.js'
import { randomRepo, useRegistry } from '../support/registry.js'

// `main` data sets built from image manifests, each run as push → tag list → HEAD → pull →
// (referrers) → delete, plus bad-digest-image (a manifest PUT whose digest does not match).
const oci = useRegistry(() => startLocalRegistry())

dataSetSuite('image', dataSets.image, oci)
dataSetSuite('image-uncompressed', dataSets['image-uncompressed'], oci)
dataSetSuite('large-manifest', dataSets['large-manifest'], oci)
dataSetSuite('data-field', dataSets['data-field'], oci)
dataSetSuite('non-distributable-layers', dataSets['non-distributable-layers'], oci)
dataSetSuite('custom-fields', dataSets['custom-fields'], oci)
dataSetSuite('no-layers', dataSets['no-layers'], oci)

describe('bad-digest-image', () => {
  const set = dataSets.image()
  const repo = randomRepo('bad-digest-image')
  const [manifest] = set.manifests

  it('end-7a bad-digest-image: PUT by digest with bytes that do not match → 400 DIGEST_INVALID', async () => {
    if (!manifest) throw new Error('the image data set has no manifest')
    for (const blob of set.blobs) await oci().pushBlob(repo, blob.bytes, blob.descriptor.digest)
    // Trailing whitespace keeps the JSON valid but changes the digest, as in the Go suite.
    const bytes = new Uint8Array([...manifest.bytes, 0x20, 0x20])
    const { digest } = manifest.descriptor
    const put = await oci().putManifest(repo, digest, { ...payload(manifest), bytes })
    expectOciError(put, 400, 'DIGEST_INVALID')
    expectStatus(await oci().headManifest(repo, digest), 404)
  })
})
