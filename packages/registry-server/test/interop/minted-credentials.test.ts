import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import {
  type LayoutFixture,
  requireTool,
  sha256,
  writeMultiArchIndex,
  writeMultiLayerImage,
} from '@artifact-registry/test-kit'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import { useSandbox } from '../support/interop.js'

// A handful of skopeo runs over loopback take a few seconds; a loaded CI machine can be slower.
const TIMEOUT = 120_000
const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const missingSkopeo = requireTool('skopeo')

// The files next to this one guard the registry with the admin credential only, and the auth
// tests push and pull one image with minted credentials: here skopeo pushes an index and deletes
// with what users hold, credentials minted for one repository and one permission.
describe.skipIf(missingSkopeo)(
  `skopeo with minted credentials ${missingSkopeo ?? ''}`.trim(),
  () => {
    const work = useSandbox('skopeo-minted-', TIMEOUT)
    let registry: LocalRegistry
    let image: LayoutFixture
    let index: LayoutFixture

    beforeAll(async () => {
      registry = await startLocalRegistry({ adminCredentials: ADMIN })
      image = await writeMultiLayerImage(join(work().dir, 'image'), { seed: 'minted' })
      index = await writeMultiArchIndex(join(work().dir, 'index'))
    }, TIMEOUT)
    afterAll(() => registry?.close())

    const client = () => work().sandbox.tool('skopeo', work().sandbox.policyArgs)
    const ref = (path: string) => `docker://${new URL(registry.url).host}/${path}`
    const mint = async (repository: string, permission: 'pull' | 'push-pull') => {
      const { username, password } = await registry.generateCredentials(repository, permission, 300)
      return `${username}:${password}`
    }
    const raw = async (reference: string, creds: string) =>
      (await client().run('inspect', '--raw', '--tls-verify=false', '--creds', creds, reference))
        .stdout

    it(
      'pushes an index with --all and pulls it back by digest, children and zstd layers intact',
      async ({ expect }) => {
        const push = await mint('minted/multi', 'push-pull')
        const pull = await mint('minted/multi', 'pull')
        const dest = ['--dest-tls-verify=false', '--dest-creds', push]
        await client().run(
          'copy',
          ...dest,
          '--all',
          '--preserve-digests',
          index.reference,
          ref('minted/multi:v1'),
        )
        await client().run(
          'copy',
          ...dest,
          '--dest-compress-format',
          'zstd',
          image.reference,
          ref('minted/multi:zstd'),
        )
        expect(sha256(await raw(ref(`minted/multi@${index.digest}`), pull))).toBe(index.digest)
        for (const child of index.images) {
          const reference = ref(`minted/multi@${child.manifestDigest}`)
          expect(sha256(await raw(reference, pull))).toBe(child.manifestDigest)
        }
        const zstd = JSON.parse(await raw(ref('minted/multi:zstd'), pull))
        const layerTypes = new Set(zstd.layers.map((l: { mediaType: string }) => l.mediaType))
        expect([...layerTypes]).toEqual(['application/vnd.oci.image.layer.v1.tar+zstd'])
      },
      TIMEOUT,
    )

    it(
      'deletes an image with push-pull credentials, and refuses pull credentials with DENIED',
      async ({ expect }) => {
        const push = await mint('minted/delete', 'push-pull')
        const pull = await mint('minted/delete', 'pull')
        const target = ref('minted/delete:v1')
        await client().run(
          'copy',
          '--dest-tls-verify=false',
          '--dest-creds',
          push,
          image.reference,
          target,
        )
        const refused = await client().fails(
          'delete',
          '--tls-verify=false',
          '--creds',
          pull,
          target,
        )
        expect(refused.stderr).toMatch(/DENIED.*403 Forbidden/)
        expect(sha256(await raw(target, pull))).toBe(image.digest)
        await client().run('delete', '--tls-verify=false', '--creds', push, target)
        const gone = await client().fails(
          'inspect',
          '--raw',
          '--tls-verify=false',
          '--creds',
          pull,
          target,
        )
        expect(gone.stderr).toMatch(/manifest unknown/i)
      },
      TIMEOUT,
    )
  },
)
