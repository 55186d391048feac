import { ALGORITHMS, digestOf } from '@artifact-registry/test-kit'
import { describe, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import {
  chunked,
  mount,
  mountAnonymous,
  mountMissing,
  type PushMethod,
  postCancel,
  postOnly,
  postPut,
  stream,
} from '../support/blob-push.js'
import { expectBlob, expectOciError, expectStatus } from '../support/expectations.js'
import { randomRepo, useRegistry } from '../support/registry.js'

// `main` addition: every blob push method, once per algorithm, each followed by HEAD, GET and
// DELETE of the pushed blob (a cancelled upload leaves nothing, so those answer 404).
const oci = useRegistry(() => startLocalRegistry())

const methods: [name: string, endIds: string, push: PushMethod][] = [
  ['post only', 'end-4b', postOnly],
  ['post+put', 'end-4a,end-6', postPut],
  ['chunked single', 'end-4a,end-5,end-6', chunked({ multi: false })],
  ['chunked multi', 'end-4a,end-5,end-6', chunked({ multi: true })],
  ['chunked multi and put chunk', 'end-4a,end-5,end-6', chunked({ multi: true, putLast: true })],
  ['chunked out-of-order', 'end-5,end-13,end-6', chunked({ multi: true, outOfOrder: true })],
  [
    'chunked out-of-order and put chunk',
    'end-5,end-13,end-6',
    chunked({ multi: true, outOfOrder: true, putLast: true }),
  ],
  ['stream', 'end-4a,end-5,end-6', stream],
  ['mount', 'end-11', mount],
  ['mount anonymous', 'end-11,end-6', mountAnonymous],
  ['mount missing', 'end-11,end-6', mountMissing],
  ['post cancel', 'end-4a,end-14', postCancel],
]

describe.each(ALGORITHMS)('blob push methods, %s', (algorithm) => {
  for (const [name, endIds, push] of methods) {
    describe(name, () => {
      const repo = randomRepo(`blobs-${algorithm}`)
      const source = randomRepo(`blobs-${algorithm}-source`)
      const cancelled = name === 'post cancel'
      let bytes: Uint8Array = new Uint8Array()
      // A cancelled upload has no content: probe a digest nothing was pushed under.
      const digest = (): string => digestOf(cancelled ? `cancelled ${repo}` : bytes, algorithm)

      it(`${endIds} ${algorithm} ${name}: push`, async () => {
        bytes = await push({ client: oci(), repo, source, algorithm })
      })

      it(`end-2 ${algorithm} ${name}: HEAD → ${cancelled ? '404' : '200'}`, async () => {
        const head = await oci().headBlob(repo, digest())
        if (cancelled) expectStatus(head, 404)
        else expectBlob(head, bytes, digest(), 'HEAD')
      })

      it(`end-2 ${algorithm} ${name}: GET → ${cancelled ? '404' : '200'}`, async () => {
        const get = await oci().getBlob(repo, digest())
        if (cancelled) expectOciError(get, 404, 'BLOB_UNKNOWN')
        else expectBlob(get, bytes, digest(), 'GET')
      })

      it(`end-10 ${algorithm} ${name}: DELETE → ${cancelled ? '404' : '202, then HEAD → 404'}`, async () => {
        const del = await oci().deleteBlob(repo, digest())
        if (cancelled) return expectOciError(del, 404, 'BLOB_UNKNOWN')
        expectStatus(del, 202)
        expectStatus(await oci().headBlob(repo, digest()), 404)
        // Mounted blobs were pushed to the source too; deleting there must work independently.
        if (name.startsWith('mount') && name !== 'mount missing') {
          expectStatus(await oci().deleteBlob(source, digest()), 202)
        }
      })
    })
  }
})
