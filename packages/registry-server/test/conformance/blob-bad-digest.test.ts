import { ALGORITHMS } from '@artifact-registry/test-kit'
import { describe, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { chunked, type PushMethod, postOnly, postPut, stream } from '../support/blob-push.js'
import { randomRepo, useRegistry } from '../support/registry.js'

// `main` addition: every push method with a digest that does not match the bytes sent. The
// closing request must answer 400 DIGEST_INVALID (a single POST may first answer 202; the PUT
// that follows must then be 400), and nothing may become visible under the claimed digest.
const oci = useRegistry(() => startLocalRegistry())

const methods: [name: string, endIds: string, push: PushMethod][] = [
  ['bad digest post only', 'end-4b', postOnly],
  ['bad digest post+put', 'end-6', postPut],
  ['bad digest chunked', 'end-5,end-6', chunked({ multi: true })],
  ['bad digest chunked and put chunk', 'end-5,end-6', chunked({ multi: true, putLast: true })],
  ['bad digest stream', 'end-5,end-6', stream],
]

describe.each(ALGORITHMS)('bad digests, %s', (algorithm) => {
  for (const [name, endIds, push] of methods) {
    it(`${endIds} ${algorithm} ${name} → 400 DIGEST_INVALID, nothing stored`, async () => {
      const repo = randomRepo(`bad-digest-${algorithm}`)
      await push({ client: oci(), repo, source: repo, algorithm, corrupt: true })
    })
  }
})
