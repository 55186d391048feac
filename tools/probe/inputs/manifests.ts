import { createHash } from 'node:crypto'
import { type BadInput, input, type ProbeContext, request } from './catalogue.js'

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'

/** `[[[…]]]` or `{"a":{"a":…}}` nested `depth` levels. */
export function nested(depth: number, kind: 'array' | 'object'): Buffer {
  if (kind === 'array') return Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`)
  return Buffer.from(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)
}

/** Manifests that are no JSON, nest too deep, or say what no manifest says. */
export function manifestInputs(): BadInput[] {
  const put =
    (body: Buffer | string, type = OCI_MANIFEST): BadInput['build'] =>
    (ctx) =>
      request(ctx, 'PUT', `/v2/${ctx.scratch()}/manifests/v1`, {
        body,
        headers: { 'Content-Type': type },
      })
  // A body a 201 stores under tag v1 of the input's repository: read back at the end.
  const storedAs = (body: Buffer | string) => (ctx: ProbeContext) => ({
    kind: 'manifest' as const,
    repository: ctx.scratch(),
    reference: 'v1',
    digest: `sha256:${createHash('sha256').update(body).digest('hex')}`,
  })
  const image = (fields: Record<string, unknown>): string =>
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.empty.v1+json',
        digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
        size: 2,
      },
      layers: [],
      ...fields,
    })
  const cases: [string, Buffer | string, string?][] = [
    ['an empty body', ''],
    ['an unfinished object', '{'],
    ['null', 'null'],
    ['an array', '[]'],
    ['a string', '"manifest"'],
    ['a number', '1'],
    ['true', 'true'],
    ['arrays nested 63 deep', nested(63, 'array')],
    ['arrays nested 64 deep', nested(64, 'array')],
    ['arrays nested 65 deep', nested(65, 'array')],
    ['arrays nested 1000 deep', nested(1000, 'array')],
    ['arrays nested 100000 deep', nested(100_000, 'array')],
    ['arrays nested 2 M deep (4 MiB)', nested(2_097_151, 'array')],
    ['objects nested 65 deep', nested(65, 'object')],
    ['objects nested 100000 deep', nested(100_000, 'object')],
    ['a UTF-8 BOM, then a manifest', `\ufeff${image({})}`],
    ['bytes that are no UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
    [
      'a duplicate key',
      image({}).replace('"schemaVersion":2', '"schemaVersion":2,"schemaVersion":1'),
    ],
    ['schemaVersion 1', image({ schemaVersion: 1 })],
    ['schemaVersion "2"', image({ schemaVersion: '2' })],
    ['schemaVersion 1e309', image({}).replace('"schemaVersion":2', '"schemaVersion":1e309')],
    ['a mediaType unlike the Content-Type', image({ mediaType: OCI_INDEX })],
    ['no config', JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [] })],
    ['layers that are no array', image({ layers: {} })],
    [
      '10000 layers no registry holds',
      image({
        layers: Array.from({ length: 10_000 }, (_, i) => ({
          mediaType: 'application/octet-stream',
          digest: `sha256:${createHash('sha256').update(String(i)).digest('hex')}`,
          size: 1,
        })),
      }),
    ],
    [
      'a layer with a bad digest',
      image({ layers: [{ mediaType: 'x/y', digest: 'sha256:zz', size: 1 }] }),
    ],
    [
      'a negative size',
      image({ layers: [{ mediaType: 'x/y', digest: `sha256:${'a'.repeat(64)}`, size: -1 }] }),
    ],
    ['a size of 2^70', image({}).replace('"size":2', '"size":1180591620717411303424')],
    ['a size that is a string', image({}).replace('"size":2', '"size":"2"')],
    [
      'annotations with __proto__',
      image({}).replace(
        '"layers":[]',
        '"layers":[],"annotations":{"__proto__":{"polluted":"yes"},"constructor":"x"}',
      ),
    ],
    ['annotations that are no strings', image({ annotations: { a: 1, b: { c: 2 } } })],
    [
      'a subject with a bad digest',
      image({ subject: { mediaType: OCI_MANIFEST, digest: 'sha256:x', size: 1 } }),
    ],
    [
      'an index of manifests no registry holds',
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [{ mediaType: OCI_MANIFEST, digest: `sha256:${'b'.repeat(64)}`, size: 1 }],
      }),
      OCI_INDEX,
    ],
    [
      'a signed schema 1 manifest',
      JSON.stringify({ schemaVersion: 1, name: 'x', tag: 'v1', fsLayers: [], signatures: [] }),
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
    ],
    ['no Content-Type', image({}), ''],
    ['Content-Type application/json', image({}), 'application/json'],
    ['an unknown Content-Type', image({}), 'application/x-probe'],
    ['a Content-Type with parameters', image({}), `${OCI_MANIFEST}; charset=utf-8; q=0.5`],
    ['an artifactType that is no media type', image({ artifactType: '../../..' })],
    [
      'a config descriptor of 12 KB of data',
      image({
        config: {
          mediaType: 'application/vnd.oci.empty.v1+json',
          digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
          size: 2,
          data: 'e30='.repeat(3000),
        },
      }),
    ],
  ]
  return cases.map(([label, body, type]) =>
    input('bad manifests', label, put(body, type ?? OCI_MANIFEST), storedAs(body)),
  )
}
