import { describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import {
  content,
  EMPTY_JSON_CONTENT,
  imageIndex,
  imageManifest,
  MediaType,
  payload,
  sampleImage,
} from '../support/content.js'
import { expectHeader, expectStatus } from '../support/expectations.js'
import { useRepository } from '../support/registry.js'
import { parseJson, type ReferrersIndex } from '../support/responses.js'

// end-12a: "If the artifactType is empty or missing in the image manifest, the value of
// artifactType MUST be set to the config descriptor mediaType value"; an index has none then.
const { config, layer, manifest: subject } = sampleImage('referrers-empty-type', 64)
const typedConfig = content(new TextEncoder().encode('{"sbom":true}'), MediaType.example1)
const { oci, repo } = useRepository(() => startLocalRegistry(), 'referrers-empty-type', [
  config,
  layer,
  typedConfig,
  EMPTY_JSON_CONTENT,
])
const emptyTyped = imageManifest(typedConfig.descriptor, [EMPTY_JSON_CONTENT.descriptor], {
  artifactType: '',
  subject: subject.descriptor,
})
const emptyTypedIndex = imageIndex([], { artifactType: '', subject: subject.descriptor })

describe('referrers of manifests with an empty artifactType', () => {
  it('end-12a,end-12b an image manifest is listed and filtered by its config media type', async () => {
    await oci().pushManifest(repo, subject.descriptor.digest, payload(subject))
    for (const referrer of [emptyTyped, emptyTypedIndex]) {
      await oci().pushManifest(repo, referrer.descriptor.digest, payload(referrer))
    }
    const all = await oci().referrers(repo, subject.descriptor.digest)
    expectStatus(all, 200)
    const byDigest = new Map(parseJson<ReferrersIndex>(all).manifests.map((d) => [d.digest, d]))
    expect(byDigest.get(emptyTyped.descriptor.digest)?.artifactType, all.what).toBe(
      MediaType.example1,
    )
    expect(byDigest.get(emptyTypedIndex.descriptor.digest), all.what).toBeDefined()
    expect(byDigest.get(emptyTypedIndex.descriptor.digest), all.what).not.toHaveProperty(
      'artifactType',
    )

    const filtered = await oci().referrers(repo, subject.descriptor.digest, MediaType.example1)
    expectStatus(filtered, 200)
    expectHeader(filtered, 'OCI-Filters-Applied', 'artifactType')
    expect(
      parseJson<ReferrersIndex>(filtered).manifests.map((d) => d.digest),
      filtered.what,
    ).toEqual([emptyTyped.descriptor.digest])
  })
})
