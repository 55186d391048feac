import { type BadInput, input, request, show } from './catalogue.js'

const A64 = 'a'.repeat(64)

/** Digests the OCI grammar refuses, or that name an algorithm the registry has no hash for. */
export const BAD_DIGESTS: readonly string[] = [
  'sha256:',
  'sha256:abc',
  `sha256:${'g'.repeat(64)}`,
  `sha256:${'A'.repeat(64)}`,
  `sha256:${'a'.repeat(63)}`,
  `sha256:${'a'.repeat(65)}`,
  `sha512:${A64}`,
  `md5:${'a'.repeat(32)}`,
  `sha256${A64}`,
  `:${A64}`,
  `sha256::${A64}`,
  `SHA256:${A64}`,
  `sha256:${'a'.repeat(10_000)}`,
  `sha256+b64:${A64}`,
  `blake3:${A64}`,
  `sha256:${A64}:`,
  '..',
  `sha256:..%2F..%2F${'a'.repeat(58)}`,
  '__proto__',
  'constructor',
  `sha256:${'０'.repeat(64)}`,
  `sha256:${A64.slice(0, 60)}%20%20%20%20`,
  `sha256:-${'a'.repeat(63)}`,
  'sha256:__proto__',
]

/** Each bad digest in each request that takes a digest. */
export function digestInputs(): BadInput[] {
  const uses: [string, (d: string) => BadInput['build']][] = [
    ['GET blob', (d) => (ctx) => request(ctx, 'GET', `/v2/${ctx.base.repository}/blobs/${d}`)],
    ['HEAD blob', (d) => (ctx) => request(ctx, 'HEAD', `/v2/${ctx.base.repository}/blobs/${d}`)],
    ['DELETE blob', (d) => (ctx) => request(ctx, 'DELETE', `/v2/${ctx.scratch()}/blobs/${d}`)],
    [
      'POST ?digest',
      (d) => (ctx) =>
        request(ctx, 'POST', `/v2/${ctx.scratch()}/blobs/uploads/?digest=${d}`, { body: 'x' }),
    ],
    [
      'PUT upload ?digest',
      (d) => async (ctx) => {
        const location = await ctx.openUpload(ctx.scratch())
        return request(ctx, 'PUT', `${location}?digest=${d}`, { body: 'x' })
      },
    ],
    [
      'mount',
      (d) => (ctx) =>
        request(
          ctx,
          'POST',
          `/v2/${ctx.scratch()}/blobs/uploads/?mount=${d}&from=${ctx.base.repository}`,
        ),
    ],
    [
      'PUT manifest by digest',
      (d) => (ctx) =>
        request(ctx, 'PUT', `/v2/${ctx.scratch()}/manifests/${d}`, {
          body: ctx.base.manifest,
          headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
        }),
    ],
    ['referrers', (d) => (ctx) => request(ctx, 'GET', `/v2/${ctx.base.repository}/referrers/${d}`)],
  ]
  return uses.flatMap(([use, build]) =>
    BAD_DIGESTS.map((d) => input('bad digests', `${use} ${show(d)}`, build(d))),
  )
}
