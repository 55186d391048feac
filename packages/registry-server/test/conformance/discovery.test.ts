import { randomToken, unknownDigest } from '@artifact-registry/test-kit'
import { beforeAll, describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import {
  type Content,
  content,
  type Descriptor,
  EMPTY_JSON_CONTENT,
  imageIndex,
  imageManifest,
  MediaType,
  payload,
  sampleImage,
} from '../support/content.js'
import { expectHeader, expectOciError, expectStatus } from '../support/expectations.js'
import { useRepository } from '../support/registry.js'
import { headerValues, parseJson, type ReferrersIndex, tagsOf } from '../support/responses.js'

// Content discovery: tag listing (end-8a/8b), OCI-Subject on PUT (end-7a), referrers (end-12).
const KEY = 'org.opencontainers.conformance.test'
const TYPE_A = 'application/vnd.nhl.peanut.butter.bagel'
const TYPE_B = 'application/vnd.nba.strawberry.jam.croissant'

const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const blobA = content(text(`NHL Peanut Butter on my NHL bagel ${randomToken()}`), TYPE_A)
const blobB = content(text(`NBA Strawberry Jam on my NBA croissant ${randomToken()}`), TYPE_B)
const { config, layer, manifest: subject } = sampleImage('discovery', 128)
const { oci, repo } = useRepository(() => startLocalRegistry(), 'discovery', [
  config,
  layer,
  EMPTY_JSON_CONTENT,
  blobA,
  blobB,
])
/** Never pushed: referrers to it must still be listed. */
const missing = imageManifest(config.descriptor, [layer.descriptor], { annotations: { x: 'y' } })

/** A referrer typed by its config media type (v1.1.1 "config artifact"). */
const configArtifact = (blob: Content, annotation: string, of: Content): Content =>
  imageManifest(blob.descriptor, [EMPTY_JSON_CONTENT.descriptor], {
    subject: of.descriptor,
    annotations: { [KEY]: annotation },
  })
/** A referrer typed by artifactType, with an empty config (v1.1.1 "layer artifact"). */
const layerArtifact = (blob: Content, annotation: string | undefined, of: Content): Content =>
  imageManifest(EMPTY_JSON_CONTENT.descriptor, [blob.descriptor], {
    artifactType: blob.descriptor.mediaType,
    subject: of.descriptor,
    annotations: annotation === undefined ? undefined : { [KEY]: annotation },
  })

const configA = configArtifact(blobA, 'test config a', subject)
const layerA = layerArtifact(blobA, 'test layer a', subject)
const indexArtifact = imageIndex([configA.descriptor, layerA.descriptor], {
  artifactType: 'application/vnd.food.stand',
  subject: subject.descriptor,
  annotations: { [KEY]: 'test index' },
})
const configB = configArtifact(blobB, 'test config b', subject)
const layerB = layerArtifact(blobB, 'test layer b', subject)
const toMissing = layerArtifact(blobB, undefined, missing)
const referrersOfSubject = [configA, layerA, indexArtifact, configB, layerB]
const annotationOf = (m: Content): string | undefined =>
  (JSON.parse(new TextDecoder().decode(m.bytes)) as { annotations?: Record<string, string> })
    .annotations?.[KEY]

describe('content discovery', () => {
  let tags: string[] = []

  beforeAll(async () => {
    const tagged = imageManifest(config.descriptor, [layer.descriptor], { annotations: { t: '1' } })
    for (let i = 0; i < 4; i++) await oci().pushManifest(repo, `test${i}`, payload(tagged))
  })

  it('end-7a discovery: every PUT of a manifest with a subject → 201 + OCI-Subject', async () => {
    // Referrers before and after their subject, as the v1.1.1 setup does.
    const pushes: [string, Content, Content][] = [
      [configA.descriptor.digest, configA, subject],
      [layerA.descriptor.digest, layerA, subject],
      [indexArtifact.descriptor.digest, indexArtifact, subject],
      ['tagtest0', subject, subject],
      [configB.descriptor.digest, configB, subject],
      [layerB.descriptor.digest, layerB, subject],
      [toMissing.descriptor.digest, toMissing, missing],
    ]
    for (const [reference, manifest, of] of pushes) {
      const put = await oci().putManifest(repo, reference, payload(manifest))
      expectStatus(put, 201)
      if (manifest !== subject) expectHeader(put, 'OCI-Subject', of.descriptor.digest)
    }
  })

  it('end-8a discovery: list tags → 200 with name and tags', async () => {
    const list = await oci().listTags(repo)
    expectStatus(list, 200)
    expect(parseJson<{ name: string }>(list).name, list.what).toBe(repo)
    tags = tagsOf(list)
    expect(tags, list.what).toEqual(['tagtest0', 'test0', 'test1', 'test2', 'test3'])
  })

  it('end-8b discovery: n=<half> returns exactly that many tags', async () => {
    const half = Math.floor(tags.length / 2)
    const list = await oci().listTags(repo, { n: String(half) })
    expectStatus(list, 200)
    expect(tagsOf(list), list.what).toEqual(tags.slice(0, half))
  })

  it('end-8b discovery: last=<tag> starts after that tag', async () => {
    const half = Math.floor(tags.length / 2)
    const list = await oci().listTags(repo, { n: String(half), last: tags[half - 1] ?? '' })
    expectStatus(list, 200)
    expect(tagsOf(list), list.what).toEqual(tags.slice(half, half * 2))
  })

  it('end-8b discovery: a truncated list has Link rel="next" that yields the rest', async () => {
    const first = await oci().listTags(repo, { n: '2' })
    const link = /^<([^>]+)>;\s*rel="next"$/.exec(first.headers.get('Link') ?? '')
    expect(link, `Link of ${first.what}`).not.toBeNull()
    const next = await oci().request('GET', link?.[1] ?? '')
    expectStatus(next, 200)
    expect(tagsOf(next), next.what).toEqual(tags.slice(2, 4))
  })

  it('end-8b discovery: n=0 → an empty list and no Link', async () => {
    const list = await oci().listTags(repo, { n: '0' })
    expectStatus(list, 200)
    expect(tagsOf(list), list.what).toEqual([])
    expect(list.headers.get('Link'), list.what).toBeNull()
  })

  it('end-12a discovery: referrers of an unknown digest → 200 empty index', async () => {
    const response = await oci().referrers(repo, unknownDigest())
    expectStatus(response, 200)
    expectHeader(response, 'Content-Type', MediaType.imageIndex)
    expect(parseJson<ReferrersIndex>(response).manifests, response.what).toEqual([])
  })

  it('end-12a discovery: a subject with 5 referrers → each listed with its annotation', async () => {
    const response = await oci().referrers(repo, subject.descriptor.digest)
    expectStatus(response, 200)
    expectHeader(response, 'Content-Type', MediaType.imageIndex)
    const listed = parseJson<ReferrersIndex>(response).manifests
    expect(listed.map((d) => d.digest).sort(), response.what).toEqual(
      referrersOfSubject.map((m) => m.descriptor.digest).sort(),
    )
    for (const descriptor of listed) {
      const manifest = referrersOfSubject.find((m) => m.descriptor.digest === descriptor.digest)
      expect(descriptor.annotations, response.what).toEqual({
        [KEY]: annotationOf(manifest ?? subject),
      })
    }
  })

  it('end-12b discovery: artifactType filter → OCI-Filters-Applied and exactly 2', async () => {
    const response = await oci().referrers(repo, subject.descriptor.digest, TYPE_A)
    expectStatus(response, 200)
    expectHeader(response, 'Content-Type', MediaType.imageIndex)
    expect(headerValues(response, 'OCI-Filters-Applied'), response.what).toEqual(['artifactType'])
    const listed: Descriptor[] = parseJson<ReferrersIndex>(response).manifests
    expect(listed.map((d) => d.digest).sort(), response.what).toEqual(
      [configA, layerA].map((m) => m.descriptor.digest).sort(),
    )
    for (const d of listed) expect(d.artifactType, response.what).toBe(TYPE_A)
  })

  it('end-12a discovery: referrers of a missing subject → 200 listing 1', async () => {
    const response = await oci().referrers(repo, missing.descriptor.digest)
    expectStatus(response, 200)
    expectHeader(response, 'Content-Type', MediaType.imageIndex)
    const listed = parseJson<ReferrersIndex>(response).manifests
    expect(
      listed.map((d) => d.digest),
      response.what,
    ).toEqual([toMissing.descriptor.digest])
  })

  it('end-12a discovery: referrers of a malformed digest → 400', async () => {
    expectOciError(await oci().referrers(repo, 'sha256:not-a-digest'), 400)
  })
})
