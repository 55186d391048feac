import { sha256 } from '../../digest.js'
import { OCI_CONFIG, OCI_INDEX, OCI_MANIFEST } from '../../oci-layout.js'
import {
  CREATED,
  del,
  differenceAt,
  get,
  head,
  image,
  MANIFEST,
  MANIFEST_BODY,
  NO_ROUTE,
  type ProtocolScenario,
  pushBlob,
  pushImage,
  putManifest,
} from './requests.js'

const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json'
const ACCEPT_ALL = { accept: [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST].join(', ') }
const SHOWN = image('diff/manifest')

/** Manifests (end-3, end-7a), deletes (end-9, end-10) and referrers (end-12a). */
export const manifestScenarios: readonly ProtocolScenario[] = [
  {
    name: 'manifest PUT, GET and HEAD by tag and by digest, for three media types',
    async run(p) {
      const repo = '/v2/diff/manifest/manifests'
      await pushBlob(p, 'diff/manifest', SHOWN.config)
      await pushBlob(p, 'diff/manifest', SHOWN.layer)
      await p.step(
        'PUT OCI manifest by tag',
        putManifest(`${repo}/v1`, OCI_MANIFEST, SHOWN.manifest),
        CREATED,
      )
      await p.step('GET by tag', get(`${repo}/v1`, ACCEPT_ALL), MANIFEST_BODY)
      await p.step('HEAD by tag', head(`${repo}/v1`, ACCEPT_ALL), MANIFEST)
      await p.step('GET by digest', get(`${repo}/${SHOWN.digest}`, ACCEPT_ALL), MANIFEST_BODY)
      await p.step('HEAD by digest', head(`${repo}/${SHOWN.digest}`, ACCEPT_ALL), MANIFEST)
      const byDigest = putManifest(`${repo}/${SHOWN.digest}`, OCI_MANIFEST, SHOWN.manifest)
      await p.step('PUT by digest', byDigest, CREATED)
      await p.step('GET by tag without Accept', get(`${repo}/v1`), MANIFEST_BODY)

      const docker = dockerManifest(SHOWN)
      await p.step(
        'PUT Docker v2s2 by tag',
        putManifest(`${repo}/docker`, DOCKER_MANIFEST, docker),
        CREATED,
      )
      await p.step('GET Docker v2s2', get(`${repo}/docker`, ACCEPT_ALL), MANIFEST_BODY)
      await p.step(
        'PUT OCI index by tag',
        putManifest(`${repo}/index`, OCI_INDEX, indexOf(SHOWN)),
        CREATED,
      )
      await p.step('GET OCI index', get(`${repo}/index`, ACCEPT_ALL), MANIFEST_BODY)
    },
    differences: [
      {
        step: 'GET by tag without Accept',
        ours: {
          status: 200,
          headers: { 'content-type': OCI_MANIFEST, 'docker-content-digest': SHOWN.digest },
          body: SHOWN.digest,
        },
        reference: {
          status: 404,
          headers: { 'content-type': 'application/json', 'docker-content-digest': null },
          codes: ['MANIFEST_UNKNOWN'],
        },
        reason:
          'we return the stored bytes whatever Accept says (no negotiation); distribution hides OCI manifests from clients that do not accept them',
      },
    ],
  },
  {
    name: 'manifest PUT errors',
    async run(p) {
      const repo = '/v2/diff/manifest-errors/manifests'
      const img = await pushImage(p, 'diff/manifest-errors', [])
      const missingBlob = JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: OCI_CONFIG, digest: sha256('no such config'), size: 14 },
        layers: [],
      })
      await p.step(
        'PUT referencing an unknown blob',
        putManifest(`${repo}/a`, OCI_MANIFEST, missingBlob),
      )
      await p.step('PUT invalid JSON', putManifest(`${repo}/b`, OCI_MANIFEST, 'not json'))
      await p.step(
        'PUT with a mediaType other than Content-Type',
        putManifest(`${repo}/c`, DOCKER_MANIFEST, img.manifest),
      )
      await p.step(
        'PUT by a digest that does not match',
        putManifest(`${repo}/${sha256('x')}`, OCI_MANIFEST, img.manifest),
      )
      await p.step('GET after the failed PUTs', get(`${repo}/a`, ACCEPT_ALL))
      await p.step(
        'PUT under an invalid tag',
        putManifest(`${repo}/-bad`, OCI_MANIFEST, img.manifest),
      )
      await p.step(
        'PUT under a 129-character tag',
        putManifest(`${repo}/${'a'.repeat(129)}`, OCI_MANIFEST, img.manifest),
      )
      await p.step(
        'PUT a 4.5 MiB manifest',
        putManifest(`${repo}/big`, OCI_MANIFEST, padded(img, 4.5)),
      )
      await p.step(
        'PUT a 9 MiB manifest',
        putManifest(`${repo}/huge`, OCI_MANIFEST, padded(img, 9)),
      )
    },
    differences: [
      ...differenceAt(['PUT under an invalid tag', 'PUT under a 129-character tag'], {
        ours: { status: 400, codes: ['TAG_INVALID'] },
        reference: NO_ROUTE,
        reason: "invalid tag → 400 TAG_INVALID; distribution's router matches no route (text 404)",
      }),
      ...differenceAt(['PUT a 4.5 MiB manifest', 'PUT a 9 MiB manifest'], {
        ours: { status: 413, codes: ['SIZE_INVALID'] },
        reference: { status: 400, codes: ['MANIFEST_INVALID'] },
        reason: 'end-7a: both stop at 4 MiB; 413 as the spec says here, 400 from distribution',
      }),
    ],
  },
  {
    name: 'conditional manifest requests',
    async run(p) {
      const repo = '/v2/diff/conditional/manifests'
      const img = await pushImage(p, 'diff/conditional', ['v1'])
      const matching = { ...ACCEPT_ALL, 'if-none-match': `"${img.digest}"` }
      // 304 (docs/oci-distribution.md#conditional-requests). Status only: distribution's 304 drops
      // the ETag, which HTTP says a 304 must repeat.
      await p.step('GET If-None-Match: its ETag', get(`${repo}/v1`, matching))
      const overwrite = (headers: Record<string, string>) =>
        putManifest(`${repo}/v1`, OCI_MANIFEST, img.manifest, headers)
      await p.step(
        'PUT If-None-Match: * over an existing tag',
        overwrite({ 'if-none-match': '*' }),
        { codes: false },
      )
      await p.step('PUT If-Match: another ETag', overwrite({ 'if-match': `"${sha256('x')}"` }), {
        codes: false,
      })
      await p.step('PUT If-Match: its ETag', overwrite({ 'if-match': `"${img.digest}"` }))
    },
    differences: differenceAt(
      ['PUT If-None-Match: * over an existing tag', 'PUT If-Match: another ETag'],
      {
        ours: { status: 412 },
        reference: { status: 201 },
        reason: 'we honour If-Match/If-None-Match on manifest PUT; distribution ignores them',
      },
    ),
  },
  {
    name: 'delete a manifest by digest: its tags go too; then delete a blob',
    async run(p) {
      const img = await pushImage(p, 'diff/delete', ['a', 'b'])
      const layer = `/v2/diff/delete/blobs/${sha256(img.layer)}`
      await p.step('DELETE manifest by digest', del(`/v2/diff/delete/manifests/${img.digest}`))
      await p.step('GET tag a', get('/v2/diff/delete/manifests/a', ACCEPT_ALL))
      await p.step('GET by digest', get(`/v2/diff/delete/manifests/${img.digest}`, ACCEPT_ALL))
      await p.step('GET tags', get('/v2/diff/delete/tags/list'), { body: 'tags' })
      await p.step('DELETE manifest again', del(`/v2/diff/delete/manifests/${img.digest}`))
      await p.step('DELETE layer blob', del(layer))
      await p.step('GET deleted blob', get(layer))
      await p.step('DELETE blob again', del(layer))
    },
  },
  {
    name: 'delete a tag',
    async run(p) {
      await pushImage(p, 'diff/untag', ['gone', 'kept'])
      await p.step('DELETE tag', del('/v2/diff/untag/manifests/gone'))
      await p.step('GET deleted tag', get('/v2/diff/untag/manifests/gone', ACCEPT_ALL))
      await p.step('GET other tag', get('/v2/diff/untag/manifests/kept', ACCEPT_ALL))
      await p.step('GET tags', get('/v2/diff/untag/tags/list'), { body: 'tags' })
    },
    differences: [
      {
        step: 'DELETE tag',
        ours: { status: 202 },
        reference: { status: 400, codes: ['DIGEST_INVALID'] },
        reason: 'end-9: we delete only that tag; distribution 2.8.2 accepts only digests here',
      },
      {
        step: 'GET deleted tag',
        ours: { status: 404, codes: ['MANIFEST_UNKNOWN'] },
        reference: { status: 200 },
        reason: 'follows from the tag delete above',
      },
      {
        step: 'GET tags',
        ours: { body: { name: 'diff/untag', tags: ['kept'] } },
        reference: { body: { name: 'diff/untag', tags: ['gone', 'kept'] } },
        reason: 'follows from the tag delete above',
      },
    ],
  },
  {
    name: 'referrers',
    async run(p) {
      const img = await pushImage(p, 'diff/referrers', ['v1'])
      const compare = { headers: ['content-type'], codes: false }
      await p.step('GET referrers', get(`/v2/diff/referrers/referrers/${img.digest}`), compare)
    },
    differences: [
      {
        step: 'GET referrers',
        ours: { status: 200, headers: { 'content-type': OCI_INDEX } },
        reference: { status: 404, headers: { 'content-type': 'text/plain' } },
        reason: 'end-12a: we implement the referrers API; distribution 2.8.2 has no such route',
      },
    ],
  },
]

// --- internal ---

type Image = ReturnType<typeof image>

/** The same image as a Docker v2s2 manifest (registries do not check layer media types). */
function dockerManifest(img: Image): string {
  const descriptor = (mediaType: string, data: Buffer) => ({
    mediaType,
    digest: sha256(data),
    size: data.length,
  })
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: DOCKER_MANIFEST,
    config: descriptor('application/vnd.docker.container.image.v1+json', img.config),
    layers: [descriptor('application/vnd.docker.image.rootfs.diff.tar.gzip', img.layer)],
  })
}

function indexOf(img: Image): string {
  const platform = { architecture: 'amd64', os: 'linux' }
  const child = { mediaType: OCI_MANIFEST, digest: img.digest, size: img.manifest.length, platform }
  return JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [child] })
}

/** A valid manifest of about `mib` MiB: the image's config, no layers, one huge annotation. */
function padded(img: Image, mib: number): string {
  const config = { mediaType: OCI_CONFIG, digest: sha256(img.config), size: img.config.length }
  const annotations = { pad: 'x'.repeat(mib * 1024 * 1024) }
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config,
    layers: [],
    annotations,
  })
}
