import { ALGORITHMS, digestOf, EMPTY_JSON, EMPTY_JSON_DIGEST } from '@artifact-registry/test-kit'
import { describe, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import {
  expectBlob,
  expectBlobCreated,
  expectBlobDeleted,
  expectStatus,
} from '../support/expectations.js'
import { randomRepo, useRegistry } from '../support/registry.js'

// `main` addition: well-known blob contents, the empty blob (0 bytes) and `{}`, pushed, HEAD,
// GET and DELETE once per algorithm. Their digests are the same in every registry, so they are
// the ones most likely to hit special cases (zero-length files, dedup with other repositories).
const oci = useRegistry(() => startLocalRegistry())
const blobs: [string, Uint8Array][] = [
  ['empty', new Uint8Array()],
  ['emptyJSON', EMPTY_JSON],
]

describe.each(ALGORITHMS)('well-known blobs, %s', (algorithm) => {
  for (const [name, bytes] of blobs) {
    describe(name, () => {
      const repo = randomRepo(`well-known-${algorithm}`)
      const digest = digestOf(bytes, algorithm)

      if (name === 'emptyJSON' && algorithm === 'sha256') {
        it('the {} digest is the well-known one', ({ expect }) => {
          expect(digest).toBe(EMPTY_JSON_DIGEST)
        })
      }

      it(`end-4a,end-6 ${algorithm} ${name}: push → 201`, async () => {
        const post = await oci().startUpload(repo)
        expectStatus(post, 202)
        const put = await oci().putUpload(post.headers.get('Location') ?? '', digest, {
          body: bytes,
        })
        await expectBlobCreated(oci(), put, bytes, digest)
      })

      it(`end-2 ${algorithm} ${name}: HEAD → 200 with Content-Length ${bytes.length}`, async () => {
        expectBlob(await oci().headBlob(repo, digest), bytes, digest, 'HEAD')
      })

      it(`end-2 ${algorithm} ${name}: GET → 200 with the exact bytes`, async () => {
        expectBlob(await oci().getBlob(repo, digest), bytes, digest, 'GET')
      })

      it(`end-10 ${algorithm} ${name}: DELETE → 202, then HEAD → 404`, async () => {
        await expectBlobDeleted(oci(), repo, digest)
      })
    })
  }
})
