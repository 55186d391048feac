import { unknownDigest } from '@artifact-registry/test-kit'
import { beforeAll, describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { imageManifest, payload, sampleImage } from '../support/content.js'
import { expectManifest, expectOciError, expectStatus } from '../support/expectations.js'
import { useRepository } from '../support/registry.js'
import { tagsOf } from '../support/responses.js'

// Content management (end-9, end-10). Tag delete is supported: DELETE by tag removes only that
// tag; DELETE by digest removes the manifest and every tag pointing to it.
const { config, layer, manifest } = sampleImage('management', 300)
const other = imageManifest(config.descriptor, [layer.descriptor], { annotations: { o: '1' } })
const { oci, repo } = useRepository(() => startLocalRegistry(), 'management', [config, layer])

describe('content management', () => {
  beforeAll(async () => {
    await oci().pushManifest(repo, 'tagtest0', payload(manifest))
    await oci().pushManifest(repo, 'keep', payload(manifest))
    await oci().pushManifest(repo, 'other', payload(other))
  })

  it('end-9 management: DELETE by tag → 202', async () => {
    expectStatus(await oci().deleteManifest(repo, 'tagtest0'), 202)
    expectStatus(await oci().headManifest(repo, 'tagtest0'), 404)
  })

  it('end-9 management: DELETE by tag removed only that tag', async () => {
    const get = await oci().getManifest(repo, manifest.descriptor.digest)
    expectManifest(get, manifest, 'GET')
    expectManifest(await oci().getManifest(repo, 'keep'), manifest, 'GET')
    const list = await oci().listTags(repo)
    expectStatus(list, 200)
    expect(tagsOf(list), list.what).toEqual(['keep', 'other'])
  })

  it('end-9 management: DELETE by digest → 202', async () => {
    expectStatus(await oci().deleteManifest(repo, manifest.descriptor.digest), 202)
  })

  it('end-3 management: GET the deleted manifest → 404', async () => {
    expectStatus(await oci().getManifest(repo, manifest.descriptor.digest), 404)
  })

  it('end-8a management: tag list reflects the deletion (every tag of the digest is gone)', async () => {
    const list = await oci().listTags(repo)
    expectStatus(list, 200)
    expect(tagsOf(list), list.what).toEqual(['other'])
    expectStatus(await oci().getManifest(repo, 'keep'), 404)
  })

  it('end-9 management: DELETE an unknown manifest → 404 MANIFEST_UNKNOWN', async () => {
    expectOciError(await oci().deleteManifest(repo, unknownDigest()), 404, 'MANIFEST_UNKNOWN')
  })

  it('end-10 management: DELETE blob → 202', async () => {
    expectStatus(await oci().deleteBlob(repo, config.descriptor.digest), 202)
    expectStatus(await oci().deleteBlob(repo, layer.descriptor.digest), 202)
  })

  it('end-2 management: GET the deleted blob → 404', async () => {
    expectStatus(await oci().getBlob(repo, config.descriptor.digest), 404)
    expectStatus(await oci().getBlob(repo, layer.descriptor.digest), 404)
  })

  it('end-10 management: DELETE an unknown blob → 404 BLOB_UNKNOWN', async () => {
    expectOciError(await oci().deleteBlob(repo, unknownDigest()), 404, 'BLOB_UNKNOWN')
  })
})
