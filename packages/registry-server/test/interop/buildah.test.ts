import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { OCI_MANIFEST, requireRoot, requireTool } from '@artifact-registry/test-kit'
import { beforeAll, describe, it } from 'vitest'
import { describeTargets, useSandbox, useTargetRegistry } from '../support/interop.js'
import { credsFlag, REFUSED, TEST_CREDENTIALS } from '../support/registry-targets.js'

// A build, push and pull in a fresh store takes a few seconds; CI machines can be far slower.
const TIMEOUT = 180_000
const missingBuildah = requireTool('buildah') ?? requireRoot('buildah with the vfs driver')
const FILE_CONTENT = 'hello from buildah interop\n'
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json'

describe.skipIf(missingBuildah)(`buildah interop ${missingBuildah ?? ''}`.trim(), () => {
  const work = useSandbox('buildah-interop-', TIMEOUT)
  let policy = ''

  beforeAll(async () => {
    await writeFile(join(work().dir, 'hello.txt'), FILE_CONTENT)
    policy = work().sandbox.policyPath
  })

  /** A buildah bound to its own fresh store, so no state leaks between tests. */
  async function store(name: string) {
    const dir = await mkdtemp(join(work().dir, `${name}-`))
    const global = ['--root', join(dir, 'root'), '--runroot', join(dir, 'run')]
    global.push('--storage-driver', 'vfs')
    return { dir, ...work().sandbox.tool('buildah', global) }
  }

  /** `from scratch` + `copy` + `commit`: a one-layer OCI image named `localhost/bt:1`. */
  async function buildImage(name: string) {
    const buildah = await store(name)
    const container = (await buildah.run('from', '--name', `${name}-ctr`, 'scratch')).stdout.trim()
    await buildah.run('copy', container, join(work().dir, 'hello.txt'), '/hello.txt')
    await buildah.run('config', '--label', 'interop=buildah', container)
    await buildah.run('commit', '--format', 'oci', container, 'localhost/bt:1')
    return buildah
  }

  /** Pulls into a fresh store and returns the pulled digest and the file from the image. */
  async function pullAndRead(reference: string, extra: string[] = []) {
    const buildah = await store('pull')
    await buildah.run(
      'pull',
      '--tls-verify=false',
      '--signature-policy',
      policy,
      ...extra,
      reference,
    )
    const digest = await buildah.run(
      'inspect',
      '--type',
      'image',
      '--format',
      '{{.FromImageDigest}}',
      reference,
    )
    const container = (await buildah.run('from', '--pull=never', reference)).stdout.trim()
    const mountPoint = (await buildah.run('mount', container)).stdout.trim()
    const file = await readFile(join(mountPoint, 'hello.txt'), 'utf8')
    await buildah.run('umount', container)
    return { digest: digest.stdout.trim(), file }
  }

  describeTargets((target) => {
    describe('anonymous', () => {
      const running = useTargetRegistry(target, { timeoutMs: TIMEOUT })

      it.for(['oci', 'v2s2'])(
        'pushes a scratch image as %s and pulls it into a fresh store',
        { timeout: TIMEOUT },
        async (format, { expect }) => {
          const buildah = await buildImage(`push-${format}`)
          const registry = running()
          const reference = `${registry.authority}/bt/${format}:1`
          const digestFile = join(buildah.dir, 'digest')
          await buildah.run(
            'push',
            '--tls-verify=false',
            '--signature-policy',
            policy,
            '--format',
            format,
            '--digestfile',
            digestFile,
            'localhost/bt:1',
            `docker://${reference}`,
          )
          const pushed = (await readFile(digestFile, 'utf8')).trim()
          expect(pushed).toMatch(/^sha256:[0-9a-f]{64}$/)
          // The registry keeps the media type buildah chose, byte for byte.
          const head = await fetch(`${registry.url}/v2/bt/${format}/manifests/1`, {
            method: 'HEAD',
            headers: { accept: `${OCI_MANIFEST}, ${DOCKER_MANIFEST}` },
          })
          expect(head.headers.get('content-type')).toBe(
            format === 'oci' ? OCI_MANIFEST : DOCKER_MANIFEST,
          )
          expect(head.headers.get('docker-content-digest')).toBe(pushed)
          const pulled = await pullAndRead(reference)
          expect(pulled).toEqual({ digest: pushed, file: FILE_CONTENT })
        },
      )
    })

    describe('with a credential', () => {
      const running = useTargetRegistry(target, { auth: true, timeoutMs: TIMEOUT })

      it(
        'pushes and pulls with --creds, and refuses a wrong or missing credential',
        async ({ expect }) => {
          const buildah = await buildImage('auth')
          const registry = running()
          const reference = `${registry.authority}/bt/auth:1`
          const push = ['push', '--tls-verify=false', '--signature-policy', policy]
          const wrong = credsFlag({ ...TEST_CREDENTIALS, password: 'not-the-password' })
          const badPush = await buildah.fails(
            ...push,
            '--creds',
            wrong,
            'localhost/bt:1',
            `docker://${reference}`,
          )
          expect(badPush.stderr).toMatch(REFUSED)
          const anonymousPush = await buildah.fails(
            ...push,
            'localhost/bt:1',
            `docker://${reference}`,
          )
          expect(anonymousPush.stderr).toMatch(REFUSED)

          const digestFile = join(buildah.dir, 'digest')
          await buildah.run(
            ...push,
            '--creds',
            credsFlag(),
            '--digestfile',
            digestFile,
            'localhost/bt:1',
            `docker://${reference}`,
          )
          const pushed = (await readFile(digestFile, 'utf8')).trim()
          const pulled = await pullAndRead(reference, ['--creds', credsFlag()])
          expect(pulled).toEqual({ digest: pushed, file: FILE_CONTENT })

          const puller = await store('bad-pull')
          const badPull = await puller.fails(
            'pull',
            '--tls-verify=false',
            '--signature-policy',
            policy,
            '--creds',
            wrong,
            reference,
          )
          expect(badPull.stderr).toMatch(REFUSED)
        },
        TIMEOUT,
      )
    })
  })
})
