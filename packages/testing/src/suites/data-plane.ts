import type { ArtifactRegistry, Permission } from '@artifact-registry/core'
import { checkOptions, registryTest, uniqueName } from '../context.js'
import type { ContractSuiteOptions, ContractTestContext, DataPlaneOptions } from '../types.js'
import type { TestImage } from './data-plane-image.js'
import { expectNotFound, expectRefused } from './data-plane-outcome.js'
import { type SkopeoLogin, SkopeoSession } from './data-plane-skopeo.js'

/** Why the group's tests are skipped when the caller did not opt in. */
export const DATA_PLANE_NOT_GIVEN =
  'options.dataPlane not given: the data plane group runs only when you pass it (and skopeo is on PATH)'

/**
 * A control check with short-lived credentials runs only when they still have this long by the
 * wall clock: a registry that expires them in real time (1 s for local) could otherwise refuse
 * the control itself.
 */
const CONTROL_MARGIN_MS = 5_000

/** What each test of the group gets: a fresh provider, the test context, a skopeo session. */
interface DataPlaneTest<R extends ArtifactRegistry> {
  r: R
  t: ContractTestContext
  skopeo: SkopeoSession
  dataPlane: DataPlaneOptions
}

/**
 * Data plane: credentials minted by the provider are used against its registry with skopeo, as a
 * user would use them. Push-pull credentials push, pull and delete; pull credentials pull and
 * nothing else; credentials reach only their repository and stop working when they expire.
 * Skipped unless `options.dataPlane` is given; needs skopeo on `PATH`.
 */
export function dataPlaneTests<R extends ArtifactRegistry>(options: ContractSuiteOptions<R>): void {
  checkOptions(options)
  const test = (name: string, fn: (c: DataPlaneTest<R>) => Promise<void>): void =>
    dataPlaneTest(options, `data plane: ${name}`, fn)

  options.test.describe('data plane', () => {
    test('push-pull credentials push an image', async (c) => {
      const { name } = await c.r.createRepository(uniqueName('data'))
      const image = await c.skopeo.newImage()
      const pusher = await login(c, name, 'push-pull')
      c.t.expect(await pusher.push(image, name)).toBe(image.manifestDigest)
    })

    test('pull credentials pull the pushed image, digest unchanged', async (c) => {
      const { name, image } = await repositoryWithImage(c)
      const puller = await login(c, name, 'pull')
      c.t.expect(await puller.pull(name, image.tag)).toBe(image.manifestDigest)
    })

    test('a push with pull credentials is refused', async (c) => {
      const { name } = await c.r.createRepository(uniqueName('data'))
      const image = await c.skopeo.newImage()
      const puller = await login(c, name, 'pull')
      await expectRefused(c.t, puller.push(image, name), 'a push with pull credentials')
      // Nothing of the refused push may have landed under the tag.
      const pusher = await login(c, name, 'push-pull')
      await expectNotFound(c.t, pusher.pull(name, image.tag), 'the tag of the refused push')
    })

    test('a delete with pull credentials is refused', async (c) => {
      const { name, image } = await repositoryWithImage(c)
      const puller = await login(c, name, 'pull')
      await expectRefused(c.t, puller.delete(name, image.tag), 'a delete with pull credentials')
      c.t.expect(await puller.pull(name, image.tag)).toBe(image.manifestDigest)
    })

    test('credentials for one repository are refused on another', async (c) => {
      if (!c.r.capabilities.repositoryScopedCredentials) {
        // No repository outside the credentials' reach can be named for every such platform
        // (GAR: the whole GAR repository), so there is nothing to refuse.
        return c.t.skip(
          'provider declares repositoryScopedCredentials: false: its credentials reach beyond one repository',
        )
      }
      const b = await repositoryWithImage(c)
      const { name: a } = await c.r.createRepository(uniqueName('data'))
      const pusherOfA = await login(c, a, 'push-pull')
      const image = await c.skopeo.newImage()
      // Control: the same credentials do work on their own repository.
      c.t.expect(await pusherOfA.push(image, a)).toBe(image.manifestDigest)
      await expectRefused(c.t, pusherOfA.push(image, b.name), "a push to b with a's credentials")
      const pullerOfA = await login(c, a, 'pull')
      await expectRefused(
        c.t,
        pullerOfA.pull(b.name, b.image.tag),
        "a pull from b with a's pull credentials",
      )
    })

    test('expired credentials are refused', async (c) => {
      const { name, image } = await repositoryWithImage(c)
      const credentials = await c.r.generateCredentials(name, 'push-pull', {
        ttlSeconds: c.r.capabilities.credentialTtl.minSeconds,
      })
      const expiring = await c.skopeo.login(credentials)
      const left = (credentials.expiresAt?.getTime() ?? 0) - Date.now()
      if (left >= CONTROL_MARGIN_MS) {
        c.t.expect(await expiring.pull(name, image.tag), 'before expiry').toBe(image.manifestDigest)
      }
      await c.dataPlane.expire(credentials)
      await expectRefused(c.t, expiring.pull(name, image.tag), 'a pull with expired credentials')
      await expectRefused(c.t, expiring.push(image, name), 'a push with expired credentials')
    })

    test('push-pull credentials delete a manifest', async (c) => {
      const { name, image } = await repositoryWithImage(c)
      await (await login(c, name, 'push-pull')).delete(name, image.tag)
      const puller = await login(c, name, 'pull')
      await expectNotFound(c.t, puller.pull(name, image.tag), 'a pull of the deleted manifest')
    })
  })
}

/** skopeo logged in with new credentials of `permission` for `repository`. */
async function login<R extends ArtifactRegistry>(
  c: DataPlaneTest<R>,
  repository: string,
  permission: Permission,
): Promise<SkopeoLogin> {
  return c.skopeo.login(await c.r.generateCredentials(repository, permission))
}

/** A new repository holding a new image, pushed with push-pull credentials. */
async function repositoryWithImage<R extends ArtifactRegistry>(
  c: DataPlaneTest<R>,
): Promise<{ name: string; image: TestImage }> {
  const { name } = await c.r.createRepository(uniqueName('data'))
  const image = await c.skopeo.newImage()
  await (await login(c, name, 'push-pull')).push(image, name)
  return { name, image }
}

/**
 * Register one test of the group: skipped without `options.dataPlane` (before a provider is
 * made), otherwise run with a fresh provider and a skopeo session that is always closed.
 */
function dataPlaneTest<R extends ArtifactRegistry>(
  options: ContractSuiteOptions<R>,
  name: string,
  fn: (c: DataPlaneTest<R>) => Promise<void>,
): void {
  const dataPlane = options.dataPlane
  const timeoutMs = options.timeoutMs ?? 30_000
  if (dataPlane === undefined) {
    options.test.it(name, async (t) => t.skip(DATA_PLANE_NOT_GIVEN), timeoutMs)
    return
  }
  registryTest(options, name, async (r, t) => {
    const skopeo = await SkopeoSession.open(dataPlane, timeoutMs)
    try {
      await fn({ r, t, skopeo, dataPlane })
    } finally {
      await skopeo.close()
    }
  })
}
