import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  closeAll,
  type DockerRegistry,
  type LayoutFixture,
  requireTool,
  runTool,
  runToolExpectingFailure,
  startDockerRegistry,
  writeMultiLayerImage,
} from '@artifact-registry/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type LocalRegistry,
  startLocalRegistry,
  startTokenService,
  type TokenService,
} from '../../src/index.js'

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const missing = requireTool('skopeo') ?? requireTool('docker-registry')

/** A registry to push to and the way to mint credentials for it. */
interface Target {
  host: string
  mint: (
    repository: string,
    permission: 'pull' | 'push-pull',
    ttlSeconds: number,
  ) => Promise<{ username: string; password: string; expiresAt: Date }>
}

/**
 * The same credential checks through skopeo (which runs the Bearer token flow itself), against
 * our registry and against docker-registry 2.8.2 behind our token service.
 */
describe.skipIf(missing)(`skopeo with minted credentials ${missing ?? ''}`.trim(), () => {
  let work: string
  let image: LayoutFixture
  let ours: LocalRegistry
  let tokens: TokenService
  let registry2: DockerRegistry
  const targets: Record<string, Target> = {}

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'skopeo-creds-'))
    image = await writeMultiLayerImage(join(work, 'layout'), { seed: 'skopeo-credentials' })
    ours = await startLocalRegistry({ adminCredentials: ADMIN })
    targets.ours = {
      host: new URL(ours.url).host,
      mint: (r, p, t) => ours.generateCredentials(r, p, t),
    }
    tokens = await startTokenService({ admin: ADMIN })
    registry2 = await startDockerRegistry({ auth: { token: tokens } })
    targets['registry:2 + token service'] = {
      host: new URL(registry2.url).host,
      mint: (r, p, t) => tokens.generateCredentials(r, p, t),
    }
  }, 60_000)

  afterAll(async () => {
    await closeAll(ours, registry2, tokens)
    await rm(work, { recursive: true, force: true })
  })

  const copy = (
    host: string,
    repo: string,
    creds: { username: string; password: string },
  ): string[] => [
    'copy',
    '--dest-tls-verify=false',
    '--dest-creds',
    `${creds.username}:${creds.password}`,
    image.reference,
    `docker://${host}/${repo}:v1`,
  ]

  for (const name of ['ours', 'registry:2 + token service']) {
    describe(name, () => {
      it('push with push-pull credentials works and pull credentials read it back', async () => {
        const target = targets[name] as Target
        const push = await target.mint('team/app', 'push-pull', 300)
        await runTool('skopeo', copy(target.host, 'team/app', push))
        const pull = await target.mint('team/app', 'pull', 300)
        const inspected = await runTool('skopeo', [
          'inspect',
          '--tls-verify=false',
          '--raw',
          '--creds',
          `${pull.username}:${pull.password}`,
          `docker://${target.host}/team/app:v1`,
        ])
        expect(JSON.parse(inspected.stdout).layers).toHaveLength(
          image.images[0]?.layerDigests.length ?? -1,
        )
      }, 120_000)

      it.each([
        ['push with pull credentials', 'pull', 'team/app'],
        ['another repository', 'push-pull', 'team/other'],
      ] as const)(
        '%s is refused',
        async (_, permission, pushTo) => {
          const target = targets[name] as Target
          const creds = await target.mint('team/app', permission, 300)
          const failure = await runToolExpectingFailure('skopeo', copy(target.host, pushTo, creds))
          expect(failure.stderr).toMatch(
            /denied|forbidden|unauthorized|authentication required|insufficient/i,
          )
        },
        120_000,
      )

      it('expired credentials are refused', async () => {
        const target = targets[name] as Target
        const push = await target.mint('team/app', 'push-pull', 1)
        await new Promise((r) =>
          setTimeout(r, Math.max(0, push.expiresAt.getTime() - Date.now()) + 100),
        )
        const failure = await runToolExpectingFailure('skopeo', copy(target.host, 'team/app', push))
        expect(failure.stderr).toMatch(/unauthorized|authentication required|401/i)
      }, 120_000)
    })
  }
})
