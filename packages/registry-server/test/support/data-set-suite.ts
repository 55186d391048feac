import { describe, expect, it } from 'vitest'
import { type Content, type Descriptor, payload } from './content.js'
import type { DataSet } from './data-set.js'
import {
  expectBlob,
  expectBlobCreated,
  expectHeader,
  expectManifest,
  expectStatus,
} from './expectations.js'
import type { OciClient, OciResponse } from './oci-client.js'
import { randomRepo } from './registry.js'
import { headerValues, parseJson, type ReferrersIndex, tagsOf } from './responses.js'

/**
 * The `main` suite's run for one data set: push → tag list → HEAD → pull → referrers → delete,
 * one test per step, in order, against a repository of its own.
 */
export function dataSetSuite(name: string, make: () => DataSet, oci: () => OciClient): void {
  describe(name, () => {
    const set = make()
    const repo = randomRepo(name)
    const tagsOfDigest = (digest: string): string[] =>
      [...set.tags].filter(([, d]) => d === digest).map(([tag]) => tag)

    it(`end-4a,end-6 ${name}: push every blob → 201`, async () => {
      for (const blob of set.blobs) {
        const { bytes, descriptor } = blob
        const post = await oci().startUpload(repo)
        expectStatus(post, 202)
        const location = post.headers.get('Location') ?? ''
        const put = await oci().putUpload(location, descriptor.digest, { body: bytes })
        await expectBlobCreated(oci(), put, bytes, descriptor.digest)
      }
    })

    const putId = set.tagParams ? 'end-7b' : 'end-7a'
    it(`${putId} ${name}: push every manifest by digest → 201 + Location + digest`, async () => {
      for (const manifest of set.manifests) {
        const tags = set.tagParams ? tagsOfDigest(manifest.descriptor.digest) : []
        const put = await oci().putManifest(repo, manifest.descriptor.digest, payload(manifest), {
          tags,
        })
        await expectManifestCreated(oci(), put, manifest)
        for (const tag of tags) expect(headerValues(put, 'OCI-Tag'), put.what).toContain(tag)
      }
    })

    if (set.tags.size > 0 && !set.tagParams) {
      it(`end-7a ${name}: push every tag → 201 + Location + digest`, async () => {
        for (const [tag, digest] of set.tags) {
          const manifest = manifestOf(set, digest)
          const put = await oci().putManifest(repo, tag, payload(manifest))
          await expectManifestCreated(oci(), put, manifest)
        }
      })
    }

    if (set.tags.size > 0) {
      it(`end-8a,end-8b ${name}: tag list has every tag, and last= skips the first half`, async () => {
        const list = await oci().listTags(repo)
        expectStatus(list, 200)
        const tags = tagsOf(list)
        for (const tag of set.tags.keys()) expect(tags, list.what).toContain(tag)
        if (tags.length < 2) return
        const sorted = [...tags].sort()
        const half = Math.floor(sorted.length / 2)
        const rest = await oci().listTags(repo, { last: sorted[half - 1] ?? '' })
        expectStatus(rest, 200)
        expect(tagsOf(rest).sort(), rest.what).toEqual(sorted.slice(half))
      })
    }

    it(`end-3,end-2 ${name}: HEAD every tag, manifest and blob → 200 with type, length, digest`, async () => {
      for (const [tag, digest] of set.tags) {
        expectManifest(await oci().headManifest(repo, tag), manifestOf(set, digest), 'HEAD')
      }
      for (const manifest of set.manifests) {
        const head = await oci().headManifest(repo, manifest.descriptor.digest)
        expectManifest(head, manifest, 'HEAD')
      }
      for (const blob of set.blobs) {
        const head = await oci().headBlob(repo, blob.descriptor.digest)
        expectBlob(head, blob.bytes, blob.descriptor.digest, 'HEAD')
      }
    })

    it(`end-3,end-2 ${name}: GET every tag, manifest and blob → the exact bytes`, async () => {
      for (const [tag, digest] of set.tags) {
        expectManifest(await oci().getManifest(repo, tag), manifestOf(set, digest), 'GET')
      }
      for (const manifest of set.manifests) {
        const get = await oci().getManifest(repo, manifest.descriptor.digest)
        expectManifest(get, manifest, 'GET')
      }
      for (const blob of set.blobs) {
        const get = await oci().getBlob(repo, blob.descriptor.digest)
        expectBlob(get, blob.bytes, blob.descriptor.digest, 'GET')
      }
    })

    if (set.referrers.size > 0) {
      it(`end-12a,end-12b ${name}: referrers list every referrer, filtered by artifactType`, async () => {
        for (const [subject, expected] of set.referrers) {
          const all = await referrers(oci(), repo, subject)
          for (const descriptor of expected) {
            expect(all, `referrers of ${subject}`).toContainEqual(
              expect.objectContaining(descriptor),
            )
          }
          for (const type of artifactTypes(expected)) {
            const response = await oci().referrers(repo, subject, type)
            expectStatus(response, 200)
            expect(headerValues(response, 'OCI-Filters-Applied'), response.what).toContain(
              'artifactType',
            )
            const filtered = parseJson<ReferrersIndex>(response).manifests
            const want = expected.filter((d) => d.artifactType === type)
            expect(filtered.map(comparable).sort(byDigest), response.what).toEqual(
              want.map(comparable).sort(byDigest),
            )
          }
        }
      })
    }

    it(`end-9,end-10 ${name}: delete tags, then manifests, then blobs → 202 and gone`, async () => {
      for (const tag of set.tags.keys()) {
        expectStatus(await oci().deleteManifest(repo, tag), 202)
        expectStatus(await oci().headManifest(repo, tag), 404)
      }
      for (const manifest of [...set.manifests].reverse()) {
        const { digest } = manifest.descriptor
        expectStatus(await oci().deleteManifest(repo, digest), 202)
        expectStatus(await oci().headManifest(repo, digest), 404)
      }
      for (const blob of set.blobs) {
        expectStatus(await oci().deleteBlob(repo, blob.descriptor.digest), 202)
        expectStatus(await oci().headBlob(repo, blob.descriptor.digest), 404)
      }
    })
  })
}

/** end-7a success: 201, the client's digest, OCI-Subject when there is a subject, pullable Location. */
async function expectManifestCreated(
  client: OciClient,
  response: OciResponse,
  manifest: Content,
): Promise<void> {
  expectStatus(response, 201)
  expectHeader(response, 'Docker-Content-Digest', manifest.descriptor.digest)
  const subject = subjectOf(manifest)
  if (subject) expectHeader(response, 'OCI-Subject', subject)
  const location = response.headers.get('Location')
  expect(location, `Location of ${response.what}`).toBeTruthy()
  expectManifest(await client.getManifestAt(location ?? ''), manifest, 'GET')
}

/** end-12a: 200, the index Content-Type, a valid index body; returns its descriptors. */
async function referrers(client: OciClient, repo: string, subject: string): Promise<Descriptor[]> {
  const response = await client.referrers(repo, subject)
  expectStatus(response, 200)
  expectHeader(response, 'Content-Type', 'application/vnd.oci.image.index.v1+json')
  const index = parseJson<ReferrersIndex>(response)
  expect(index.schemaVersion, response.what).toBe(2)
  expect(index.mediaType, response.what).toBe('application/vnd.oci.image.index.v1+json')
  return index.manifests
}

function subjectOf(manifest: Content): string | undefined {
  const json = JSON.parse(new TextDecoder().decode(manifest.bytes)) as {
    subject?: { digest: string }
  }
  return json.subject?.digest
}

function manifestOf(set: DataSet, digest: string): Content {
  const manifest = set.manifests.find((m) => m.descriptor.digest === digest)
  if (!manifest) throw new Error(`data set has no manifest ${digest}`)
  return manifest
}

/** The fields the suite compares (it tolerates extra annotations and fields). */
function comparable(
  d: Descriptor,
): Pick<Descriptor, 'digest' | 'mediaType' | 'size' | 'artifactType'> {
  return { digest: d.digest, mediaType: d.mediaType, size: d.size, artifactType: d.artifactType }
}

function artifactTypes(descriptors: Descriptor[]): string[] {
  const types = descriptors.map((d) => d.artifactType)
  return [...new Set(types.filter((t): t is string => t !== undefined))]
}

function byDigest(a: { digest: string }, b: { digest: string }): number {
  return a.digest.localeCompare(b.digest)
}
