import type { ArtifactRegistry } from '@artifact-registry/core'
import { checkOptions, registryTest, uniqueName } from '../context.js'
import type { ContractSuiteOptions } from '../types.js'
import { expiryTest } from './data-plane-expiry.js'
import { type DataPlaneTest, login, repositoryWithImage } from './data-plane-fixture.js'
import { expectNotFound, expectRefused } from './data-plane-outcome.js'
import { SkopeoSession } from './data-plane-skopeo.js'

/** Why the group's tests are skipped when the caller did not opt in. */
export const DATA_PLANE_NOT_GIVEN =
  'options.dataPlane not given: the data plane group runs only when you pass it (and skopeo is on PATH)'

/**
 * Data plane: credentials minted by the provider are used against its registry with skopeo, as a
 * user would use them. Push-pull credentials push, pull and delete; pull credentials pull and
 * nothing else; credentials reach only their repository (not one whose name extends it), work
 * until their `expiresAt` and stop working then; `deleteRepository` deletes the images.
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
      const logical = uniqueName('data')
      const { name: a } = await c.r.createRepository(logical)
      // The others' names extend a's: a scope matched as a prefix or a pattern (`a*`, `a/*`)
      // instead of as the one name reaches them, and an unrelated name would not show it.
      const others = [
        await repositoryWithImage(c, `${logical}-b`),
        await repositoryWithImage(c, `${logical}/b`),
      ]
      const pusherOfA = await login(c, a, 'push-pull')
      const image = await c.skopeo.newImage()
      // Control: the same credentials do work on their own repository.
      c.t.expect(await pusherOfA.push(image, a)).toBe(image.manifestDigest)
      const pullerOfA = await login(c, a, 'pull')
      for (const b of others) {
        await expectRefused(
          c.t,
          pusherOfA.push(image, b.name),
          `a push to ${b.name} with a's credentials`,
        )
        await expectRefused(
          c.t,
          pullerOfA.pull(b.name, b.image.tag),
          `a pull from ${b.name} with a's pull credentials`,
        )
      }
    })

    test('credentials work until expiresAt and are refused after it', (c) => expiryTest(c))

    test('push-pull credentials delete a manifest', async (c) => {
      const { name, image } = await repositoryWithImage(c)
      await (await login(c, name, 'push-pull')).delete(name, image.tag)
      const puller = await login(c, name, 'pull')
      await expectNotFound(c.t, puller.pull(name, image.tag), 'a pull of the deleted manifest')
    })

    test('deleteRepository deletes the images: the name created again holds none', async (c) => {
      const logical = uniqueName('data')
      const { name, image } = await repositoryWithImage(c, logical)
      await c.r.deleteRepository(name)
      // Created again (a no-op where repositories are implicit), it must start empty: an image
      // left behind would come back to whoever gets the name next.
      c.t.expect((await c.r.createRepository(logical)).name).toBe(name)
      const puller = await login(c, name, 'pull')
      await expectNotFound(
        c.t,
        puller.pull(name, image.tag),
        'a pull by tag after deleteRepository',
      )
      await expectNotFound(
        c.t,
        puller.pull(name, image.manifestDigest),
        'a pull by digest after deleteRepository',
      )
    })
  })
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
