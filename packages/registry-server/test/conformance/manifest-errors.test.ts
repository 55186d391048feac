import { randomToken, unknownDigest } from '@artifact-registry/test-kit'
import { describe, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { imageManifest, MediaType, payload, sampleImage } from '../support/content.js'
import { expectOciError, expectStatus } from '../support/expectations.js'
import { useRepository } from '../support/registry.js'

// `main` addition "manifest errors", plus the size limit (default 4 MiB → 413) and the
// validation rules of docs/oci-distribution.md#names-tags-and-digests and
// docs/oci-distribution.md#manifests.
const { config, layer, manifest } = sampleImage('manifest-errors', 100)
const { oci, repo } = useRepository(() => startLocalRegistry(), 'manifest-errors', [config, layer])

describe('manifest errors', () => {
  it('end-3 manifest errors: missing by digest → 404 MANIFEST_UNKNOWN', async () => {
    expectOciError(await oci().getManifest(repo, unknownDigest()), 404, 'MANIFEST_UNKNOWN')
  })

  it('end-3 manifest errors: missing by tag → 404 MANIFEST_UNKNOWN', async () => {
    const get = await oci().getManifest(repo, `missing-${randomToken()}`)
    expectOciError(get, 404, 'MANIFEST_UNKNOWN')
  })

  it('end-7a manifest errors: PUT to sha256:baddigeststring → 400 DIGEST_INVALID', async () => {
    const put = await oci().putManifest(repo, 'sha256:baddigeststring', payload(manifest))
    expectOciError(put, 400, 'DIGEST_INVALID')
  })

  it('end-3 manifest errors: GET sha256:baddigeststring → 404 or 400', async () => {
    expectStatus(await oci().getManifest(repo, 'sha256:baddigeststring'), 400, 404)
  })

  it('end-7a manifest errors: a 9 MiB manifest (over the 4 MiB default) → 413', async () => {
    const annotations: Record<string, string> = {}
    for (let i = 0; i < 950; i++) annotations[`huge-${i}`] = 'A'.repeat(10_000)
    const huge = imageManifest(config.descriptor, [layer.descriptor], { annotations })
    expectStatus(await oci().putManifest(repo, 'huge', payload(huge)), 413)
  })

  it('end-7a manifest errors: Content-Type differs from the mediaType field → 400 MANIFEST_INVALID', async () => {
    const put = await oci().putManifest(repo, 'mismatch', {
      bytes: manifest.bytes,
      mediaType: MediaType.imageIndex,
    })
    expectOciError(put, 400, 'MANIFEST_INVALID')
  })

  it('end-7a manifest errors: a body that is not JSON → 400 MANIFEST_INVALID', async () => {
    const put = await oci().putManifest(repo, 'not-json', {
      bytes: new TextEncoder().encode('{"schemaVersion": 2,'),
      mediaType: MediaType.imageManifest,
    })
    expectOciError(put, 400, 'MANIFEST_INVALID')
  })

  it('end-7a manifest errors: a repository name outside the grammar → 400 NAME_INVALID', async () => {
    const put = await oci().putManifest('Conformance/UPPER', 'latest', payload(manifest))
    expectOciError(put, 400, 'NAME_INVALID')
  })
})
