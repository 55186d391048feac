import { type DigestAlgorithm, digestOf, EMPTY_JSON, randomBlob } from '@artifact-registry/test-kit'
import { type Descriptor, imageManifest, LINUX_AMD64, MediaType } from './content.js'
import { type DataSet, DataSetBuilder } from './data-set.js'

/**
 * The data sets of the `main` conformance suite (`conformance/run.go` `GenerateData`), built
 * fresh for every call so each run pushes content no registry has seen.
 */
export const dataSets = {
  image: (): DataSet => build((b) => b.image({ tag: 'image' })),

  'image-uncompressed': (): DataSet =>
    build((b) => b.image({ tag: 'image-uncompressed', uncompressed: true })),

  /** 390 annotations of 10,000 bytes: a ~3.9 MB manifest, under the 4 MB every registry takes. */
  'large-manifest': (): DataSet =>
    build((b) => {
      const annotations: Record<string, string> = {}
      for (let i = 0; i < 390; i++) annotations[`large-annotation-${i}`] = 'A'.repeat(10_000)
      b.image({ tag: 'large-manifest', annotations })
    }),

  index: (): DataSet => build((b) => b.indexOfImages({ tag: 'index' })),

  'nested-index': (): DataSet =>
    build((b) => {
      const first = b.indexOfImages()
      const second = b.indexOfImages()
      b.index([first, second], [], { tag: 'index-of-index' })
    }),

  'empty-index': (): DataSet => build((b) => b.indexOfImages({ tag: 'index', platforms: [] })),

  artifact: (): DataSet => build((b) => b.image({ tag: 'artifact', ...ARTIFACT })),

  'artifact-index': (): DataSet =>
    build((b) => b.indexOfImages({ tag: 'artifact-index', ...ARTIFACT })),

  /** The image-spec's "no layers" artifact: one `{}` layer of the empty media type. */
  'artifact-without-layers': (): DataSet =>
    build((b) =>
      b.image({
        ...ARTIFACT,
        tag: 'artifact-without-layers',
        layerBytes: EMPTY_JSON,
        layerMediaType: MediaType.empty,
      }),
    ),

  'artifacts-with-subject': (): DataSet =>
    build((b) => {
      const subject = b.image({ tag: 'image' }).descriptor
      b.image({ subject })
      b.image({ ...REFERRER, subject, tag: 'tagged-artifact1' })
      b.image({
        ...REFERRER,
        subject,
        tag: 'tagged-artifact2',
        artifactType: MediaType.example2,
        layerMediaType: MediaType.octetStream,
      })
    }),

  'index-with-subject': (): DataSet =>
    build((b) => {
      const subject = b.indexOfImages({ tag: 'index' }).descriptor
      b.indexOfImages({ ...REFERRER, subject, tag: 'tagged-artifact' })
    }),

  /** A referrer whose subject was never pushed: the push must still be accepted. */
  'missing-subject': (): DataSet =>
    build((b) => {
      const subject: Descriptor = {
        mediaType: MediaType.imageManifest,
        size: 123,
        digest: digestOf('missing content'),
      }
      b.image({ ...REFERRER, subject, tag: 'tagged-artifact' })
    }),

  'data-field': (): DataSet => build((b) => b.image({ tag: 'data-field', data: true })),

  'non-distributable-layers': (): DataSet => build(nonDistributable),

  'custom-fields': (): DataSet =>
    build((b) => b.indexOfImages({ tag: 'custom-fields', extraField: true })),

  'no-layers': (): DataSet => build((b) => b.image({ tag: 'no-layers', layerCount: 0 })),

  /** Non-canonical digests can only be tagged with tag params, so this set is pushed by digest. */
  sha512: (): DataSet => build((b) => b.indexOfImages(), 'sha512'),

  'tag-param-sha256': (): DataSet => tagParamSet('sha256'),

  'tag-param-sha512': (): DataSet => tagParamSet('sha512'),
} satisfies Record<string, () => DataSet>

/** Artifact: an `{}` config of the empty media type and one example-typed layer. */
const ARTIFACT = {
  artifactType: MediaType.example1,
  configMediaType: MediaType.empty,
  configBytes: EMPTY_JSON,
  layerCount: 1,
  layerMediaType: MediaType.example1,
}

/** A referrer artifact with the annotation the referrers API must echo. */
const REFERRER = {
  ...ARTIFACT,
  annotations: { 'org.opencontainers.conformance': 'hello conformance test' },
  uniqueAnnotation: true,
}

function build(fill: (b: DataSetBuilder) => unknown, algorithm?: DigestAlgorithm): DataSet {
  const builder = new DataSetBuilder(algorithm)
  fill(builder)
  return builder.set
}

/** Every manifest gets a `<name>-<i>` tag and the index also gets `<name>`, all as `?tag=`. */
function tagParamSet(algorithm: DigestAlgorithm): DataSet {
  const name = `tag-param-${algorithm}`
  const set = build((b) => b.indexOfImages({ tag: name }), algorithm)
  set.manifests.forEach((manifest, i) => {
    set.tags.set(`${name}-${i}`, manifest.descriptor.digest)
  })
  set.tagParams = true
  return set
}

/**
 * Two non-distributable layers that are never uploaded (only referenced by `urls`) and one
 * normal layer: the registry must accept the manifest without the missing blobs.
 */
function nonDistributable(b: DataSetBuilder): void {
  const foreign = (mediaType: string, size: number): Descriptor => {
    const digest = digestOf(randomBlob(256))
    const urls = [`https://store.example.com/blobs/sha256/${digest.slice('sha256:'.length)}`]
    return { mediaType, digest, size, urls }
  }
  const first = foreign(MediaType.nondistributableTarGzip, 123_456)
  const second = foreign(MediaType.nondistributableTar, 12_345)
  const { layer, diffId } = b.layer(1, {})
  const config = b.config(LINUX_AMD64, [digestOf(randomBlob(256)), second.digest, diffId], {})
  const manifest = imageManifest(config, [first, second, layer])
  b.manifest(manifest, 'non-distributable-image')
}
