import { type BadInput, input, request, show } from './catalogue.js'

// The digest of the 4-byte chunk `abcd` these requests send.
const ABCD = 'sha256:88d4266fd4e6338d13b845fcf289579d209c897823b9217da3e161936f031589'

/** Content-Range values a chunk of 4 bytes must not be accepted with (or only as 0-3). */
export const BAD_CONTENT_RANGES: readonly string[] = [
  '',
  'bytes',
  '0-',
  '-3',
  '3-0',
  'a-b',
  '0-3/abc',
  '0-99999999999999999999',
  '1-4',
  '0-2',
  '0-10',
  '-0',
  '0--3',
  '0-3, 4-5',
  'bytes=0-3',
  'bytes 0-3/4',
  '٠-٣',
  ' 0-3',
  '0x0-0x3',
  '1e3-2e3',
  '9007199254740993-9007199254740996',
  '0-3/2',
  '0-18446744073709551616',
]

/** Range headers of a blob GET that are malformed, unsatisfiable or absurd. */
export const BAD_RANGES: readonly string[] = [
  'bytes=',
  'bytes=-',
  'bytes=5-1',
  'bytes=999999-',
  'bytes=-0',
  'bytes=0-0,1-1',
  'bytes=a-b',
  'items=0-1',
  'bytes=0-99999999999999999999',
  'bytes=--1',
  'bytes=1-2-3',
  'bytes= 0-1',
  'bytes=0x0-1',
  'bytes=18446744073709551616-',
]

/** Bad Content-Range on a chunk (PATCH) and on a final chunk (PUT); bad Range on a pull. */
export function rangeInputs(): BadInput[] {
  const chunk =
    (method: 'PATCH' | 'PUT', range: string): BadInput['build'] =>
    async (ctx) => {
      const location = await ctx.openUpload(ctx.scratch())
      const query = method === 'PUT' ? `?digest=${ABCD}` : ''
      return request(ctx, method, `${location}${query}`, {
        body: 'abcd',
        headers: { 'Content-Range': range, 'Content-Type': 'application/octet-stream' },
      })
    }
  return [
    ...BAD_CONTENT_RANGES.map((r) =>
      input('bad Content-Range', `PATCH ${show(r)}`, chunk('PATCH', r)),
    ),
    // A final chunk the registry takes as 0-3 stores the blob: it must be there at the end.
    ...BAD_CONTENT_RANGES.map((r) =>
      input('bad Content-Range', `PUT ${show(r)}`, chunk('PUT', r), (ctx) => ({
        kind: 'blob',
        repository: ctx.scratch(),
        reference: ABCD,
        digest: ABCD,
      })),
    ),
    ...BAD_RANGES.map((r) =>
      input('bad Range', show(r), (ctx) =>
        request(ctx, 'GET', `/v2/${ctx.base.repository}/blobs/${ctx.base.blobDigest}`, {
          headers: { Range: r },
        }),
      ),
    ),
  ]
}
