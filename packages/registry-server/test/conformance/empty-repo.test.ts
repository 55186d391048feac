import { unknownDigest } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { expectHeader, expectOciError, expectStatus } from '../support/expectations.js'
import { OciClient } from '../support/oci-client.js'
import { randomRepo } from '../support/registry.js'
import { parseJson, type ReferrersIndex, tagsOf } from '../support/responses.js'

// `main` addition "empty": a repository nothing was ever pushed to. Each test has a registry of
// its own, so "fresh" is guaranteed rather than assumed.
describe('empty repository', () => {
  it('end-8a empty: tag list of a fresh repository → 200 (empty) or 404 NAME_UNKNOWN', async () => {
    await using registry = await startLocalRegistry()
    const list = await new OciClient(registry.url).listTags(randomRepo('empty'))
    expectStatus(list, 200, 404)
    if (list.status === 200) expect(tagsOf(list), list.what).toEqual([])
    else expectOciError(list, 404, 'NAME_UNKNOWN')
  })

  it('end-12a empty: referrers on a fresh repository → 200 with an empty index', async () => {
    await using registry = await startLocalRegistry()
    const response = await new OciClient(registry.url).referrers(
      randomRepo('empty'),
      unknownDigest(),
    )
    expectStatus(response, 200)
    expectHeader(response, 'Content-Type', 'application/vnd.oci.image.index.v1+json')
    const index = parseJson<ReferrersIndex>(response)
    expect(index, response.what).toMatchObject({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [],
    })
  })
})
