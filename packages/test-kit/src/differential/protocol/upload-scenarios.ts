import { createHash } from 'node:crypto'
import { sha256 } from '../../digest.js'
import type { ExpectedDifference } from '../observation.js'
import {
  BLOB,
  BLOB_BODY,
  CREATED,
  differenceAt,
  get,
  head,
  OFFSET,
  type ProtocolScenario,
  patch,
  post,
  pushBlob,
  put,
  SESSION,
  UPLOAD,
  withQuery,
} from './requests.js'

const HELLO = 'hello world'
const D = sha256(HELLO)
const ABC_SHA512 = `sha512:${createHash('sha512').update('abc').digest('hex')}`

/** The ways to push a blob (end-4a/4b/5/6/13), and what goes wrong on the way. */
export const uploadScenarios: readonly ProtocolScenario[] = [
  {
    name: 'monolithic blob push: POST then PUT with the body',
    async run(p) {
      const session = await p.step('POST', post('/v2/diff/mono/blobs/uploads/'), SESSION)
      await p.step('PUT ?digest', put(withQuery(session.location, { digest: D }), HELLO), CREATED)
      await p.step('HEAD blob', head(`/v2/diff/mono/blobs/${D}`), BLOB)
      await p.step('GET blob', get(`/v2/diff/mono/blobs/${D}`), BLOB_BODY)
    },
  },
  {
    name: 'single-request push: POST ?digest with the body',
    async run(p) {
      const compare = { headers: ['location', 'docker-content-digest'] }
      await p.step(
        'POST ?digest',
        post(`/v2/diff/single/blobs/uploads/?digest=${D}`, HELLO),
        compare,
      )
      await p.step('HEAD blob', head(`/v2/diff/single/blobs/${D}`))
    },
    differences: [
      {
        step: 'POST ?digest',
        ours: { status: 201, headers: { location: `/v2/diff/single/blobs/${D}` } },
        reference: { status: 202, headers: { location: '/v2/diff/single/blobs/uploads/<id>' } },
        reason:
          'end-4b: we complete a single-request push; distribution ignores the body and opens a session (the allowed fallback)',
      },
      {
        step: 'HEAD blob',
        ours: { status: 200 },
        reference: { status: 404 },
        reason: 'follows from the single-request push above',
      },
    ],
  },
  {
    name: 'chunked blob push: PATCHes with Content-Range, upload status, then PUT',
    async run(p) {
      const session = await p.step('POST', post('/v2/diff/chunked/blobs/uploads/'), SESSION)
      const first = await p.step('PATCH 0-4', patch(session.location, 'hello', '0-4'), SESSION)
      const status = await p.step('GET upload status', get(first.location), UPLOAD)
      const second = await p.step('PATCH 5-10', patch(status.location, ' world', '5-10'), SESSION)
      const done = withQuery(second.location, { digest: D })
      await p.step('PUT ?digest without body', put(done), CREATED)
      await p.step('GET blob', get(`/v2/diff/chunked/blobs/${D}`), BLOB_BODY)
    },
  },
  {
    name: 'chunked blob push with the last chunk in the PUT',
    async run(p) {
      const session = await p.step('POST', post('/v2/diff/lastchunk/blobs/uploads/'))
      const first = await p.step('PATCH 0-4', patch(session.location, 'hello', '0-4'), UPLOAD)
      const done = withQuery(first.location, { digest: D })
      await p.step('PUT 5-10 ?digest', put(done, ' world', '5-10'), CREATED)
      await p.step('GET blob', get(`/v2/diff/lastchunk/blobs/${D}`), BLOB_BODY)
    },
  },
  {
    name: 'streamed blob push: one PATCH with chunked transfer encoding',
    async run(p) {
      const data = Buffer.alloc(300_000, 'streamed ')
      const session = await p.step('POST', post('/v2/diff/stream/blobs/uploads/'))
      const sent = await p.step('PATCH stream', patch(session.location, { stream: data }), SESSION)
      const done = withQuery(sent.location, { digest: sha256(data) })
      await p.step('PUT ?digest', put(done), CREATED)
      await p.step('HEAD blob', head(`/v2/diff/stream/blobs/${sha256(data)}`), BLOB)
    },
  },
  {
    name: 'empty blob',
    async run(p) {
      const empty = sha256('')
      const session = await p.step('POST', post('/v2/diff/empty/blobs/uploads/'))
      await p.step(
        'PUT empty ?digest',
        put(withQuery(session.location, { digest: empty }), ''),
        CREATED,
      )
      await p.step('HEAD blob', head(`/v2/diff/empty/blobs/${empty}`), BLOB)
      await p.step('GET blob', get(`/v2/diff/empty/blobs/${empty}`), BLOB_BODY)
    },
  },
  {
    name: 'sha512 blob push',
    async run(p) {
      const session = await p.step('POST', post('/v2/diff/sha512/blobs/uploads/'))
      const done = withQuery(session.location, { digest: ABC_SHA512 })
      await p.step('PUT ?digest=sha512', put(done, 'abc'), CREATED)
      await p.step('HEAD by sha512', head(`/v2/diff/sha512/blobs/${ABC_SHA512}`), BLOB)
    },
    differences: [
      {
        step: 'PUT ?digest=sha512',
        ours: {
          status: 201,
          headers: {
            location: `/v2/diff/sha512/blobs/${ABC_SHA512}`,
            'docker-content-digest': ABC_SHA512,
          },
        },
        reference: {
          status: 201,
          headers: {
            location: `/v2/diff/sha512/blobs/${sha256('abc')}`,
            'docker-content-digest': sha256('abc'),
          },
        },
        reason:
          'we keep the algorithm the client chose; distribution 2.8.2 checks the sha512 but names the blob by its sha256',
      },
      {
        step: 'HEAD by sha512',
        ours: {
          status: 200,
          headers: { 'docker-content-digest': ABC_SHA512, etag: `"${ABC_SHA512}"` },
        },
        reference: {
          status: 200,
          headers: { 'docker-content-digest': sha256('abc'), etag: `"${sha256('abc')}"` },
        },
        reason: 'follows from the sha512 push above',
      },
    ],
  },
  {
    name: 'upload status, cancel and unknown uploads',
    async run(p) {
      const session = await p.step('POST', post('/v2/diff/status/blobs/uploads/'))
      const empty = await p.step('GET status, nothing uploaded', get(session.location), UPLOAD)
      const sent = await p.step('PATCH 0-4', patch(empty.location, 'hello', '0-4'))
      await p.step('GET status after 5 bytes', get(sent.location), UPLOAD)
      await p.step('DELETE upload', { method: 'DELETE', target: sent.location })
      await p.step('GET status after cancel', get(sent.location))
      const neverIssued = '/v2/diff/status/blobs/uploads/2b0b1b0e-0000-4000-8000-000000000000'
      await p.step('GET status of a never-issued id', get(neverIssued))
      await p.step('PATCH a never-issued id', patch(neverIssued, 'x'))
    },
    differences: differenceAt(['GET status of a never-issued id', 'PATCH a never-issued id'], {
      ours: { status: 404, codes: ['BLOB_UPLOAD_UNKNOWN'] },
      reference: { status: 404, codes: ['BLOB_UPLOAD_INVALID'] },
      reason:
        'distribution rejects the missing signed _state before looking the upload up; the spec code is BLOB_UPLOAD_UNKNOWN',
    }),
  },
  {
    name: 'chunk out of order: first PATCH not starting at 0',
    async run(p) {
      const session = await p.step('POST', post('/v2/diff/order/blobs/uploads/'))
      await p.step('PATCH 5-9 first', patch(session.location, 'world', '5-9'), OFFSET)
    },
    differences: [chunkAppendedByReference('PATCH 5-9 first', '0-4', 'a chunk past the offset')],
  },
  {
    name: 'chunk out of order: the same chunk sent twice',
    async run(p) {
      const session = await p.step('POST', post('/v2/diff/resend/blobs/uploads/'))
      const first = await p.step('PATCH 0-4', patch(session.location, 'hello', '0-4'), OFFSET)
      await p.step('PATCH 0-4 again', patch(first.location, 'hello', '0-4'), OFFSET)
      // Asks at the first reply's Location: distribution's _state there still says offset 5.
      await p.step('GET status', get(first.location), OFFSET)
    },
    differences: [
      chunkAppendedByReference('PATCH 0-4 again', '0-9', 'a resent chunk'),
      {
        step: 'GET status',
        ours: { status: 204, headers: { range: '0-4' } },
        reference: { status: 404, headers: { range: null } },
        reason: 'we kept 5 bytes; distribution holds 10 and rejects the stale _state',
      },
    ],
  },
  {
    name: 'bad digests on upload completion',
    async run(p) {
      const cases = {
        wrong: sha256('other'),
        'not hex': 'sha256:nothex',
        'unknown algorithm': 'md5:d41d8cd98f00b204e9800998ecf8427e',
      }
      for (const [label, digest] of Object.entries(cases)) {
        const session = await p.step(`POST for ${label}`, post('/v2/diff/baddigest/blobs/uploads/'))
        await p.step(`PUT ?digest ${label}`, put(withQuery(session.location, { digest }), HELLO))
      }
      const session = await p.step('POST for missing', post('/v2/diff/baddigest/blobs/uploads/'))
      await p.step('PUT without ?digest', put(session.location, HELLO))
      await p.step('HEAD the content digest', head(`/v2/diff/baddigest/blobs/${D}`))
    },
  },
  {
    name: 'cross-repository mount',
    async run(p) {
      await pushBlob(p, 'diff/mount-src', HELLO)
      const mount = (repo: string, query: string) => post(`/v2/${repo}/blobs/uploads/?${query}`)
      const from = `mount=${D}&from=diff/mount-src`
      await p.step('POST mount from source', mount('diff/mount-dst', from), CREATED)
      await p.step('HEAD mounted blob', head(`/v2/diff/mount-dst/blobs/${D}`), BLOB)
      const absent = `mount=${D}&from=diff/mount-none`
      await p.step(
        'POST mount from a repository without it',
        mount('diff/mount-b', absent),
        SESSION,
      )
      const unknown = `mount=${sha256('x')}&from=diff/mount-src`
      await p.step('POST mount of an unknown blob', mount('diff/mount-c', unknown), SESSION)
      // Without `from` a mount would let anyone probe for blobs of repositories they cannot read.
      await p.step('POST mount without from', mount('diff/mount-anon', `mount=${D}`), SESSION)
      await p.step('HEAD after the anonymous mount', head(`/v2/diff/mount-anon/blobs/${D}`))
    },
  },
]

// --- internal ---

/**
 * end-5: a chunk that does not start at the upload's offset is refused here with 416 and the
 * upload keeps its offset; distribution 2.8.2 ignores Content-Range, appends it and answers 202
 * with the grown `range`.
 */
function chunkAppendedByReference(step: string, range: string, chunk: string): ExpectedDifference {
  return {
    step,
    ours: { status: 416 },
    reference: { status: 202, headers: { range } },
    reason: `end-5: ${chunk} → 416 and the upload keeps its offset; distribution 2.8.2 ignores Content-Range and appends it`,
  }
}
