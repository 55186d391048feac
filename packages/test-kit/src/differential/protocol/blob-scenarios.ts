import { expect } from 'vitest'
import { sha256 } from '../../digest.js'
import {
  BLOB_BODY,
  differenceAt,
  get,
  head,
  NO_ROUTE,
  type ProtocolScenario,
  post,
  pushBlob,
  RANGE,
} from './requests.js'

const HELLO = 'hello world'
const D = sha256(HELLO)

/** The version check, blob reads (end-1, end-2) and the errors of unknown or invalid names. */
export const blobScenarios: readonly ProtocolScenario[] = [
  {
    name: 'version check',
    async run(p) {
      const compare = { headers: ['content-type', 'content-length'], body: 'json' } as const
      await p.step('GET /v2/', get('/v2/'), compare)
      await p.step('HEAD /v2/', head('/v2/'), { headers: ['content-type'] })
    },
  },
  {
    name: 'blob GET with Range',
    async run(p) {
      await pushBlob(p, 'diff/range', HELLO)
      const blob = `/v2/diff/range/blobs/${D}`
      for (const range of ['bytes=2-4', 'bytes=5-', 'bytes=-3', 'bytes=5-100', 'bytes=0-0']) {
        await p.step(`GET ${range}`, get(blob, { range }), RANGE)
      }
      // distribution's 416 body is broken (see ../probe.ts): only status and Content-Range count.
      const unsatisfiable = { headers: ['content-range'], codes: false }
      await p.step('GET bytes=20-30', get(blob, { range: 'bytes=20-30' }), unsatisfiable)
    },
  },
  {
    name: 'conditional blob GET with If-None-Match',
    async run(p) {
      await pushBlob(p, 'diff/conditional-blob', HELLO)
      const blob = `/v2/diff/conditional-blob/blobs/${D}`
      // A server that sends an ETag answers a matching If-None-Match with 304
      // (docs/oci-distribution.md#conditional-requests).
      const etag = { headers: ['etag'] }
      await p.step('GET If-None-Match: its ETag', get(blob, { 'if-none-match': `"${D}"` }), etag)
      const other = { 'if-none-match': `"${sha256('x')}"` }
      await p.step('GET If-None-Match: another ETag', get(blob, other), BLOB_BODY)
    },
  },
  {
    name: 'unknown blob, manifest and repository; invalid names and digests',
    async run(p) {
      await pushBlob(p, 'diff/known', HELLO)
      const unknown = sha256('never pushed')
      await p.step('HEAD unknown blob', head(`/v2/diff/known/blobs/${unknown}`))
      await p.step('GET unknown blob', get(`/v2/diff/known/blobs/${unknown}`))
      await p.step('GET blob of another repository', get(`/v2/diff/other/blobs/${D}`))
      await p.step('GET unknown tag', get('/v2/diff/known/manifests/nope'))
      await p.step('HEAD unknown tag', head('/v2/diff/known/manifests/nope'))
      await p.step('GET unknown manifest digest', get(`/v2/diff/known/manifests/${unknown}`))
      await p.step('GET tags of unknown repository', get('/v2/diff/nowhere/tags/list'))
      await p.step('GET malformed blob digest', get('/v2/diff/known/blobs/sha256:xyz'))
      await p.step('DELETE malformed blob digest', {
        method: 'DELETE',
        target: '/v2/diff/known/blobs/sha256:xyz',
      })
      await p.step(
        'GET malformed manifest digest',
        get('/v2/diff/known/manifests/sha256:totallywrong'),
      )
      await p.step('GET upper-case repository name', get('/v2/Diff/Upper/tags/list'))
      await p.step('POST upload to an upper-case name', post('/v2/Diff/Upper/blobs/uploads/'))
    },
    differences: [
      ...differenceAt(['GET upper-case repository name', 'POST upload to an upper-case name'], {
        ours: { status: 400, codes: ['NAME_INVALID'] },
        reference: NO_ROUTE,
        reason:
          "spec: invalid name → 400 NAME_INVALID; distribution's router matches no route and answers a text 404",
      }),
      {
        step: 'GET malformed manifest digest',
        // The spec allows 404, or 400 with a spec code, for a GET by a malformed digest.
        ours: {
          status: expect.toBeOneOf([400, 404]),
          codes: expect.toBeOneOf([['DIGEST_INVALID'], ['MANIFEST_UNKNOWN']]),
        },
        reference: { status: 500, codes: ['UNKNOWN'] },
        reason:
          'distribution 2.8.2 takes it for a tag, fails its own path validation and answers 500',
      },
    ],
  },
]
