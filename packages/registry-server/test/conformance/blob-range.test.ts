import { ALGORITHMS, digestOf, randomBlob } from '@artifact-registry/test-kit'
import { beforeAll, describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { expectHeader, expectStatus } from '../support/expectations.js'
import { randomRepo, useRegistry } from '../support/registry.js'

// `main` addition: Range requests on a 2048-byte blob (end-2, 206/416). A full 200 fallback is a
// failure, as in the Go suite.
const oci = useRegistry(() => startLocalRegistry())
const SIZE = 2048

/** [Range header, first byte, last byte] of the satisfiable cases (2000-5000 is clamped). */
const partial: [string, number, number][] = [
  ['bytes=500-1499', 500, 1499],
  ['bytes=500-', 500, SIZE - 1],
  ['bytes=-500', SIZE - 500, SIZE - 1],
  ['bytes=2000-5000', 2000, SIZE - 1],
]

describe.each(ALGORITHMS)('range requests, %s', (algorithm) => {
  const repo = randomRepo(`range-${algorithm}`)
  const blob = randomBlob(SIZE)
  const digest = digestOf(blob, algorithm)

  beforeAll(async () => {
    await oci().pushBlob(repo, blob, digest)
  })

  for (const [range, first, last] of partial) {
    it(`end-2 ${algorithm} range: ${range} → 206 with bytes ${first}-${last}`, async () => {
      const get = await oci().getBlob(repo, digest, { Range: range })
      expectStatus(get, 206)
      expectHeader(get, 'Content-Length', String(last - first + 1))
      // The total may be given or left as `*`; both are valid Content-Range forms.
      expect([`bytes ${first}-${last}/${SIZE}`, `bytes ${first}-${last}/*`], get.what).toContain(
        get.headers.get('Content-Range'),
      )
      expect(
        Buffer.from(get.body).equals(Buffer.from(blob.subarray(first, last + 1))),
        get.what,
      ).toBe(true)
    })
  }

  for (const range of ['bytes=500-0', 'bytes=5000-10000']) {
    it(`end-2 ${algorithm} range: ${range} → 416 with Content-Range bytes */${SIZE}`, async () => {
      const get = await oci().getBlob(repo, digest, { Range: range })
      expectStatus(get, 416)
      expectHeader(get, 'Content-Range', `bytes */${SIZE}`)
    })
  }
})
