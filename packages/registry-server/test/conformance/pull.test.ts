import { digestOf, randomBlob, randomToken } from '@artifact-registry/test-kit'
import { beforeAll, describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { type Content, content, imageManifest, MediaType, payload } from '../support/content.js'
import {
  expectBlob,
  expectHeader,
  expectManifest,
  expectOciError,
  expectStatus,
} from '../support/expectations.js'
import { useRepository } from '../support/registry.js'
import { errorCodes, SPEC_ERROR_CODES } from '../support/responses.js'

// Pull checks (docs/oci-distribution.md#pull-checks): setup pushes 2 configs, 1 layer, 2 manifests
// and a tag.
const tag = 'tagtest0'
const missingBlob = digestOf('hello world')
/** The v1.1.1 suite's missing reference: not even a valid tag, yet GET/HEAD must be 404. */
const missingManifest = '.INVALID_MANIFEST_NAME'

const configs = [0, 1].map((i) =>
  content(
    new TextEncoder().encode(`{"author":"pull ${i} ${randomToken()}"}`),
    MediaType.imageConfig,
  ),
) as [Content, Content]
const layer = content(randomBlob(64), MediaType.layerTarGzip)
const manifests = configs.map((config) => imageManifest(config.descriptor, [layer.descriptor])) as [
  Content,
  Content,
]
const { oci, repo } = useRepository(() => startLocalRegistry(), 'pull', [...configs, layer])

describe('pull', () => {
  beforeAll(async () => {
    await oci().pushManifest(repo, tag, payload(manifests[0]))
    await oci().pushManifest(repo, manifests[1].descriptor.digest, payload(manifests[1]))
  })

  it('end-1 pull: GET /v2/ → 200 with Docker-Distribution-API-Version: registry/2.0', async () => {
    const response = await oci().request('GET', '/v2/')
    expectStatus(response, 200)
    expectHeader(response, 'Docker-Distribution-API-Version', 'registry/2.0')
  })

  it('end-1 pull: error responses carry Docker-Distribution-API-Version too', async () => {
    // Docker clients read the header from whatever response they get, not only from /v2/.
    const response = await oci().getBlob(repo, missingBlob)
    expectHeader(response, 'Docker-Distribution-API-Version', 'registry/2.0')
  })

  it('end-2 pull: HEAD a missing blob → 404', async () => {
    expectStatus(await oci().headBlob(repo, missingBlob), 404)
  })

  it('end-2 pull: HEAD an existing blob → 200 with Content-Length and Docker-Content-Digest', async () => {
    const head = await oci().headBlob(repo, configs[0].descriptor.digest)
    expectBlob(head, configs[0].bytes, configs[0].descriptor.digest, 'HEAD')
  })

  it('end-2 pull: GET a missing blob → 404 BLOB_UNKNOWN', async () => {
    expectOciError(await oci().getBlob(repo, missingBlob), 404, 'BLOB_UNKNOWN')
  })

  it('end-2 pull: GET an existing blob → 200 with the exact bytes', async () => {
    const get = await oci().getBlob(repo, configs[0].descriptor.digest)
    expectBlob(get, configs[0].bytes, configs[0].descriptor.digest, 'GET')
  })

  it('end-3 pull: HEAD a missing manifest → 404', async () => {
    expectStatus(await oci().headManifest(repo, missingManifest), 404)
  })

  it('end-3 pull: HEAD manifest[0] by digest → 200', async () => {
    const head = await oci().headManifest(repo, manifests[0].descriptor.digest)
    expectManifest(head, manifests[0], 'HEAD')
  })

  it('end-3 pull: HEAD manifest[1] by digest → 200', async () => {
    const head = await oci().headManifest(repo, manifests[1].descriptor.digest)
    expectManifest(head, manifests[1], 'HEAD')
  })

  it('end-3 pull: HEAD a manifest by tag → 200', async () => {
    expectManifest(await oci().headManifest(repo, tag), manifests[0], 'HEAD')
  })

  it('end-3 pull: GET a missing manifest → 404', async () => {
    expectStatus(await oci().getManifest(repo, missingManifest), 404)
  })

  it('end-3 pull: GET manifest[0] by digest → 200 with the exact bytes', async () => {
    const get = await oci().getManifest(repo, manifests[0].descriptor.digest)
    expectManifest(get, manifests[0], 'GET')
  })

  it('end-3 pull: GET manifest[1] by digest → 200 with the exact bytes', async () => {
    const get = await oci().getManifest(repo, manifests[1].descriptor.digest)
    expectManifest(get, manifests[1], 'GET')
  })

  it('end-3 pull: GET a manifest by tag → 200 with the exact bytes', async () => {
    expectManifest(await oci().getManifest(repo, tag), manifests[0], 'GET')
  })

  it('end-3 pull: GET sha256:totallywrong → 404, or 400 with a spec error code', async () => {
    const response = await oci().getManifest(repo, 'sha256:totallywrong')
    expectStatus(response, 400, 404)
    if (response.status === 400) expect(SPEC_ERROR_CODES).toContain(errorCodes(response)[0])
  })
})
