import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import {
  type LayoutFixture,
  readLayout,
  requireTool,
  sha256,
  writeMultiArchIndex,
  writeMultiLayerImage,
} from '@artifact-registry/test-kit'
import { beforeAll, describe, type ExpectStatic, it } from 'vitest'
import { describeTargets, useSandbox, useTargetRegistry } from '../support/interop.js'
import { credsFlag, REFUSED, TEST_CREDENTIALS } from '../support/registry-targets.js'

// Real image copies over loopback take about a second; a loaded CI machine can be far slower.
const TIMEOUT = 120_000
const missingSkopeo = requireTool('skopeo')

describe.skipIf(missingSkopeo)(`skopeo interop ${missingSkopeo ?? ''}`.trim(), () => {
  const work = useSandbox('skopeo-interop-', TIMEOUT)
  let image: LayoutFixture
  let index: LayoutFixture

  beforeAll(async () => {
    image = await writeMultiLayerImage(join(work().dir, 'image'))
    index = await writeMultiArchIndex(join(work().dir, 'index'))
  }, TIMEOUT)

  const client = () => work().sandbox.tool('skopeo', work().sandbox.policyArgs)
  const skopeo = (...args: string[]) => client().run(...args)
  const fails = (...args: string[]) => client().fails(...args)
  // Plain HTTP: with TLS verification off, containers/image falls back from https to http.
  const copy = (from: string, to: string, ...flags: string[]) =>
    skopeo('copy', '--src-tls-verify=false', '--dest-tls-verify=false', ...flags, from, to)
  const inspect = async (ref: string, ...flags: string[]) =>
    JSON.parse((await skopeo('inspect', '--tls-verify=false', ...flags, ref)).stdout)
  const raw = async (ref: string, ...flags: string[]) =>
    (await skopeo('inspect', '--raw', '--tls-verify=false', ...flags, ref)).stdout
  const tags = async (ref: string, ...flags: string[]): Promise<string[]> =>
    JSON.parse((await skopeo('list-tags', '--tls-verify=false', ...flags, ref)).stdout).Tags
  const layoutOut = async (name: string, tag: string) =>
    `oci:${await mkdtemp(join(work().dir, `${name}-`))}:${tag}`
  const readBack = (reference: string) => {
    const [, dir = '', tag = ''] = /^oci:(.*):([^:]+)$/.exec(reference) ?? []
    return readLayout(dir, tag).then(layoutDigests)
  }

  describeTargets((target) => {
    describe('anonymous', () => {
      const running = useTargetRegistry(target, { timeoutMs: TIMEOUT })
      const ref = (path: string) => `docker://${running().authority}/${path}`

      it(
        'copies a multi-layer image from an OCI layout and back with every digest preserved',
        async ({ expect }) => {
          await copy(image.reference, ref('test/app:v1'), '--preserve-digests')
          const out = await layoutOut('image-back', 'v1')
          await copy(ref('test/app:v1'), out, '--preserve-digests')
          expect(await readBack(out)).toEqual(layoutDigests(image))
        },
        TIMEOUT,
      )

      it(
        'copies a multi-arch index with --all and back with every digest preserved',
        async ({ expect }) => {
          await copy(index.reference, ref('test/multi:v1'), '--all', '--preserve-digests')
          const out = await layoutOut('index-back', 'v1')
          await copy(ref('test/multi:v1'), out, '--all', '--preserve-digests')
          const back = await readBack(out)
          expect(back.images).toHaveLength(2)
          expect(back).toEqual(layoutDigests(index))
        },
        TIMEOUT,
      )

      it(
        'copies between repositories by mounting the layers instead of uploading them again',
        async ({ expect }) => {
          await copy(image.reference, ref('mount/src:v1'))
          const { stderr } = await skopeo(
            '--debug',
            'copy',
            '--src-tls-verify=false',
            '--dest-tls-verify=false',
            ref('mount/src:v1'),
            ref('mount/dst:v1'),
          )
          expectLayersMounted(expect, stderr, { from: 'mount/src', to: 'mount/dst' }, image)
          expect((await inspect(ref('mount/dst:v1'))).Digest).toBe(image.digest)
        },
        TIMEOUT,
      )

      it(
        'inspects an image and an index, parsed and --raw with the exact bytes',
        async ({ expect }) => {
          await copy(image.reference, ref('test/inspect:v1'))
          await copy(index.reference, ref('test/inspect:multi'), '--all')
          expect(await inspect(ref('test/inspect:v1'))).toMatchObject({
            Digest: image.digest,
            Layers: image.images[0]?.layerDigests,
            Architecture: 'amd64',
            Os: 'linux',
          })
          expect(sha256(await raw(ref('test/inspect:v1')))).toBe(image.digest)
          expect(sha256(await raw(ref('test/inspect:multi')))).toBe(index.digest)
          const child = index.images[1]?.manifestDigest
          expect(sha256(await raw(ref(`test/inspect@${child}`)))).toBe(child)
        },
        TIMEOUT,
      )

      it(
        'lists tags',
        async ({ expect }) => {
          for (const tag of ['b', 'a', 'c']) await copy(image.reference, ref(`test/tags:${tag}`))
          // distribution 2.8.2 lists tags in directory order, so compare as a set.
          expect((await tags(ref('test/tags'))).sort()).toEqual(['a', 'b', 'c'])
        },
        TIMEOUT,
      )

      it(
        'deletes an image: by digest, so every tag pointing at it goes',
        async ({ expect }) => {
          for (const tag of ['one', 'two']) await copy(image.reference, ref(`test/delete:${tag}`))
          await copy(index.reference, ref('test/delete:keep'), '--all')
          await skopeo('delete', '--tls-verify=false', ref('test/delete:one'))
          const gone = await fails('inspect', '--raw', '--tls-verify=false', ref('test/delete:two'))
          expect(gone.stderr).toMatch(/manifest unknown/i)
          expect(await tags(ref('test/delete'))).toEqual(['keep'])
        },
        TIMEOUT,
      )
    })

    describe('with a credential', () => {
      const running = useTargetRegistry(target, { auth: true, timeoutMs: TIMEOUT })
      const ref = (path: string) => `docker://${running().authority}/${path}`
      const creds = credsFlag()
      const wrong = credsFlag({ ...TEST_CREDENTIALS, password: 'not-the-password' })

      it(
        'copies in (--dest-creds), between repositories and back out (--src-creds)',
        async ({ expect }) => {
          const both = ['--src-creds', creds, '--dest-creds', creds]
          await copy(index.reference, ref('auth/multi:v1'), '--all', '--dest-creds', creds)
          await copy(image.reference, ref('auth/app:v1'), '--dest-creds', creds)
          const { stderr } = await skopeo(
            '--debug',
            'copy',
            '--src-tls-verify=false',
            '--dest-tls-verify=false',
            ...both,
            ref('auth/app:v1'),
            ref('auth/copy:v1'),
          )
          expectLayersMounted(expect, stderr, { from: 'auth/app', to: 'auth/copy' }, image)
          const multi = await layoutOut('auth-multi', 'v1')
          await copy(
            ref('auth/multi:v1'),
            multi,
            '--all',
            '--preserve-digests',
            '--src-creds',
            creds,
          )
          const single = await layoutOut('auth-single', 'v1')
          await copy(ref('auth/copy:v1'), single, '--preserve-digests', '--src-creds', creds)
          expect(await readBack(multi)).toEqual(layoutDigests(index))
          expect(await readBack(single)).toEqual(layoutDigests(image))
        },
        TIMEOUT,
      )

      it(
        'inspects, lists tags and deletes with --creds',
        async ({ expect }) => {
          await copy(image.reference, ref('auth/ops:v1'), '--dest-creds', creds)
          expect((await inspect(ref('auth/ops:v1'), '--creds', creds)).Digest).toBe(image.digest)
          expect(await tags(ref('auth/ops'), '--creds', creds)).toEqual(['v1'])
          await skopeo('delete', '--tls-verify=false', '--creds', creds, ref('auth/ops:v1'))
          const gone = await fails(
            'inspect',
            '--tls-verify=false',
            '--creds',
            creds,
            ref('auth/ops:v1'),
          )
          expect(gone.stderr).toMatch(/manifest unknown/i)
        },
        TIMEOUT,
      )

      it(
        'refuses a wrong password and a missing credential',
        async ({ expect }) => {
          await copy(image.reference, ref('auth/guarded:v1'), '--dest-creds', creds)
          const guarded = ref('auth/guarded:v1')
          const refusals = [
            await fails('inspect', '--raw', '--tls-verify=false', '--creds', wrong, guarded),
            await fails('inspect', '--raw', '--tls-verify=false', guarded),
            await fails('list-tags', '--tls-verify=false', '--creds', wrong, ref('auth/guarded')),
            await fails(
              'copy',
              '--dest-tls-verify=false',
              '--dest-creds',
              wrong,
              image.reference,
              ref('auth/intruder:v1'),
            ),
          ]
          for (const refusal of refusals) expect(refusal.stderr).toMatch(REFUSED)
        },
        TIMEOUT,
      )
    })
  })
})

/** The digests a copy must preserve: the top manifest, and per image its config and layers. */
function layoutDigests(layout: LayoutFixture) {
  return { digest: layout.digest, mediaType: layout.mediaType, images: layout.images }
}

/**
 * skopeo `--debug` logs every request as `msg="METHOD URL"`. A mounted layer shows up as a
 * `POST …/uploads/?from=SRC&mount=DIGEST` into the destination, and never as the `PUT
 * …?digest=DIGEST` that completes an upload.
 */
function expectLayersMounted(
  expect: ExpectStatic,
  stderr: string,
  repos: { from: string; to: string },
  fixture: LayoutFixture,
): void {
  const requests = [...stderr.matchAll(/msg="(GET|HEAD|POST|PUT|PATCH|DELETE) (\S+)"/g)].map(
    ([, method, url]) => ({ method, url: new URL(url ?? '') }),
  )
  const uploads = `/v2/${repos.to}/blobs/uploads/`
  const mounted = requests
    .filter((r) => r.method === 'POST' && r.url.pathname === uploads)
    .filter((r) => r.url.searchParams.get('from') === repos.from)
    .map((r) => r.url.searchParams.get('mount'))
  const uploaded = requests
    .filter((r) => r.method === 'PUT' && r.url.pathname.startsWith(uploads))
    .map((r) => r.url.searchParams.get('digest'))
  for (const layer of fixture.images[0]?.layerDigests ?? []) {
    expect(mounted, `mount of ${layer}`).toContain(layer)
    expect(uploaded, `upload of ${layer}`).not.toContain(layer)
  }
}
