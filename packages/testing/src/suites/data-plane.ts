import type { ArtifactRegistry } from '@artifact-registry/core'
import { checkOptions, uniqueName } from '../context.js'
import type { ContractSuiteOptions } from '../types.js'
import { expiryTest } from './data-plane-expiry.js'
import {
  type DataPlaneTest,
  dataPlaneTest,
  login,
  repositoryWithImage,
} from './data-plane-fixture.js'
import { grantTests } from './data-plane-grants.js'
import type { TestImage } from './data-plane-image.js'
import { expectNotFound, expectRefused } from './data-plane-outcome.js'
import type { SkopeoLogin } from './data-plane-skopeo.js'

/** Why the revocation test is skipped for a provider that does not revoke on delete. */
export const NO_REVOCATION_ON_DELETE =
  'provider does not declare revokesCredentialsOnDelete: true: its credentials live until their expiresAt'

/** Why the binding isolation test is skipped when the caller gave no second binding. */
export const OTHER_BINDING_NOT_GIVEN_FOR_DATA_PLANE =
  "options.otherBinding not given: the test needs a provider of another binding on the same registry, to use this binding's credentials on its repository"

/**
 * Data plane: credentials minted by the provider are used against its registry with skopeo, as a
 * user would use them. Push-pull credentials push, pull and delete; pull credentials pull and
 * nothing else; credentials reach only their repository (not one whose name extends it, nor
 * another binding's of the same name), work until their `expiresAt` and stop working then;
 * `deleteRepository` deletes the images, and where the provider says so takes the credentials
 * back. With `options.grantees`, cross-account grants are used as their grantees would use them
 * (see `grantTests`).
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
        await expectRefusedOn(c, { pusher: pusherOfA, puller: pullerOfA }, b, `a's`)
      }
      // And the other way: credentials of the name below a's (`a/b`) do not reach a. A provider
      // that cannot scope a name with a path in it (falling back to its parent, its first segment
      // or the whole binding) goes unseen by credentials minted for a name without one.
      const [, below] = others
      if (below === undefined) throw new Error('no repository below a was created')
      const ofBelow = {
        pusher: await login(c, below.name, 'push-pull'),
        puller: await login(c, below.name, 'pull'),
      }
      await expectRefusedOn(c, ofBelow, { name: a, image }, `${below.name}'s`)
    })

    test("credentials are refused on another binding's repository of the same name", async (c) => {
      if (!c.r.capabilities.repositoryScopedCredentials) {
        return c.t.skip(
          'provider declares repositoryScopedCredentials: false: its credentials reach beyond one repository',
        )
      }
      const otherBinding = options.otherBinding
      if (otherBinding === undefined) return c.t.skip(OTHER_BINDING_NOT_GIVEN_FOR_DATA_PLANE)
      const other = await otherBinding(c.r)
      try {
        // The same logical name in both: a scope that forgets the binding's prefix or namespace
        // (matching the logical name alone) reaches the other binding's repository.
        const logical = uniqueName('bind')
        const { name } = await c.r.createRepository(logical)
        const theirs = await repositoryWithImage({ ...c, r: other }, logical)
        c.t.expect(theirs.name).not.toBe(name)
        const pusher = await login(c, name, 'push-pull')
        const image = await c.skopeo.newImage()
        // Control: the same credentials do work on their own repository.
        c.t.expect(await pusher.push(image, name)).toBe(image.manifestDigest)
        const puller = await login(c, name, 'pull')
        await expectRefusedOn(c, { pusher, puller }, theirs, "this binding's")
      } finally {
        await (options.teardown ? options.teardown(other) : other.close())
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
      // Names that extend the deleted one's: a delete matched as a prefix or a pattern, or one
      // that removes a directory with everything under it, takes their images too.
      const extending = [
        await repositoryWithImage(c, `${logical}-b`),
        await repositoryWithImage(c, `${logical}/b`),
      ]
      await c.r.deleteRepository(name)
      for (const kept of extending) {
        c.t
          .expect(
            await (await login(c, kept.name, 'pull')).pull(kept.name, kept.image.tag),
            `the image of ${kept.name} once ${name} is deleted`,
          )
          .toBe(kept.image.manifestDigest)
      }
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

    test('deleteRepository revokes its credentials: refused on the name created again', async (c) => {
      if (c.r.capabilities.revokesCredentialsOnDelete !== true) {
        return c.t.skip(NO_REVOCATION_ON_DELETE)
      }
      const logical = uniqueName('data')
      const { name } = await c.r.createRepository(logical)
      const pusher = await login(c, name, 'push-pull')
      const puller = await login(c, name, 'pull')
      // Control, and in use as a client's would be: both work before the delete. A registry that
      // remembers a credential it has checked (an authentication cache the delete leaves alone)
      // would go on accepting it only if it had seen it.
      const pushed = await c.skopeo.newImage()
      c.t.expect(await pusher.push(pushed, name)).toBe(pushed.manifestDigest)
      c.t.expect(await puller.pull(name, pushed.tag)).toBe(pushed.manifestDigest)
      await c.r.deleteRepository(name)
      // At once, before the name is created again: a provider that takes them back only when the
      // name comes back (creating its token or scope map anew) leaves them pushing to and pulling
      // from the deleted name until then. A pull that finds no manifest is no refusal.
      await expectRefusedOn(
        c,
        { pusher, puller },
        { name, image: pushed },
        "the deleted repository's",
      )
      // The same name again, holding an image pushed with credentials minted now: a credential of
      // the deleted repository that still worked would reach whoever gets the name next.
      c.t.expect((await c.r.createRepository(logical)).name).toBe(name)
      const image = await c.skopeo.newImage()
      // Control: new credentials of both permissions work on the repository created again.
      // Minting them also makes the provider create again what it keeps per repository and
      // permission (an ACR token, a scope map, both named after the repository): one left behind
      // by the delete would bring its old passwords back with it, which only shows from here on.
      c.t
        .expect(await (await login(c, name, 'push-pull')).push(image, name))
        .toBe(image.manifestDigest)
      c.t
        .expect(await (await login(c, name, 'pull')).pull(name, image.tag))
        .toBe(image.manifestDigest)
      await expectRefusedOn(c, { pusher, puller }, { name, image }, "the deleted repository's")
    })

    grantTests(options, test)
  })
}

/**
 * Expect credentials that must not reach `b` (another repository's, or those of a repository
 * deleted since) refused on it, which holds `b.image`: a push with push-pull credentials, and a
 * pull with either. A push-pull credential's pull is checked apart
 * from its push: a scope may be right for one action and not another (pulls allowed on every
 * repository, say, for base images). A delete is not checked apart: skopeo reads the manifest
 * before it deletes, so a delete that got through would need the pull refused here.
 */
async function expectRefusedOn<R extends ArtifactRegistry>(
  c: DataPlaneTest<R>,
  { pusher, puller }: { pusher: SkopeoLogin; puller: SkopeoLogin },
  b: { name: string; image: TestImage },
  whose: string,
): Promise<void> {
  const image = await c.skopeo.newImage()
  await expectRefused(
    c.t,
    pusher.push(image, b.name),
    `a push to ${b.name} with ${whose} credentials`,
  )
  for (const [permission, holder] of [
    ['push-pull', pusher],
    ['pull', puller],
  ] as const) {
    await expectRefused(
      c.t,
      holder.pull(b.name, b.image.tag),
      `a pull from ${b.name} with ${whose} ${permission} credentials`,
    )
  }
}
