import type { ArtifactRegistry, RepositoryResponse } from '@artifact-registry/core'
import { checkOptions, expectCode, registryTest, uniqueName } from '../context.js'
import type { ContractSuiteOptions, ContractTestContext } from '../types.js'
import { SAMPLE_ACCESS } from './cross-account.js'

/** Why a test that tells a repository's existence by getRepository is skipped. */
export const EVERY_NAME_RESOLVES =
  'provider declares implicitRepositories: every name resolves, so only the data plane group can tell what a delete took (it pulls the images of the names that extend the deleted one)'

/**
 * Lifecycle: create is idempotent, get returns the same routable name, delete then get (or
 * minting credentials, or a grant or its revocation) gives `NOT_FOUND` (unless the provider declares
 * `implicitRepositories`) while the repositories whose names extend the deleted one's stay,
 * deleting twice succeeds.
 */
export function lifecycleTests<R extends ArtifactRegistry>(options: ContractSuiteOptions<R>): void {
  checkOptions(options)
  options.test.describe('lifecycle', () => {
    registryTest(
      options,
      'createRepository returns a routable name, a uri and createdAt',
      async (r, t) => {
        const created = await r.createRepository(uniqueName('life'))
        expectResponseShape(t, created)
        t.expect(r.registryEndpoint).toMatch(/^https?:\/\/[^/\s]+$/)
      },
    )

    registryTest(options, 'createRepository is idempotent', async (r, t) => {
      const name = uniqueName('life')
      const first = await r.createRepository(name)
      const second = await r.createRepository(name)
      t.expect(second.name).toBe(first.name)
      t.expect(second.uri).toBe(first.uri)
      if (first.createdAt !== null && second.createdAt !== null) {
        t.expect(second.createdAt.getTime()).toBe(first.createdAt.getTime())
      }
    })

    registryTest(options, 'getRepository returns what createRepository returned', async (r, t) => {
      const created = await r.createRepository(uniqueName('life'))
      const got = await r.getRepository(created.name)
      t.expect(got.name).toBe(created.name)
      t.expect(got.uri).toBe(created.uri)
    })

    registryTest(options, 'deleteRepository removes it (NOT_FOUND afterwards)', async (r, t) => {
      const created = await r.createRepository(uniqueName('life'))
      await r.deleteRepository(created.name)
      if (r.capabilities.implicitRepositories) {
        // Image paths exist implicitly: the name stays resolvable after its content is gone.
        t.expect((await r.getRepository(created.name)).name).toBe(created.name)
      } else {
        await expectCode(t, r.getRepository(created.name), 'NOT_FOUND')
      }
    })

    registryTest(
      options,
      'a deleted repository gives NOT_FOUND from every method (unless implicit)',
      async (r, t) => {
        if (r.capabilities.implicitRepositories)
          return t.skip('provider declares implicitRepositories: a deleted name still resolves')
        const created = await r.createRepository(uniqueName('life'))
        await r.deleteRepository(created.name)
        // Credentials minted for a name with no repository would reach whatever is created under
        // it next, past the revocation its deletion made; a grant made there would wait for it too.
        for (const permission of ['pull', 'push-pull'] as const) {
          await expectCode(t, r.generateCredentials(created.name, permission), 'NOT_FOUND')
        }
        const type = r.capabilities.crossAccountAccess
        if (type !== null) {
          const [access] = SAMPLE_ACCESS[type]
          await expectCode(t, r.getCrossAccountAccess(created.name), 'NOT_FOUND')
          await expectCode(t, r.addCrossAccountAccess(created.name, access), 'NOT_FOUND')
          // A revocation that answers success where there is no repository tells a caller who
          // named the wrong one (a typo, a stale name) that access is gone while it stays.
          await expectCode(t, r.removeCrossAccountAccess(created.name, access), 'NOT_FOUND')
        }
      },
    )

    registryTest(
      options,
      'deleteRepository leaves the repositories whose names extend its name',
      async (r, t) => {
        if (r.capabilities.implicitRepositories) return t.skip(EVERY_NAME_RESOLVES)
        const logical = uniqueName('life')
        const { name } = await r.createRepository(logical)
        // A delete matched as a prefix or a pattern (`a*`), or one that removes a directory with
        // everything under it (`a/`), takes these with it: someone else's images, gone.
        const extending = [
          await r.createRepository(`${logical}-b`),
          await r.createRepository(`${logical}/b`),
        ]
        await r.deleteRepository(name)
        for (const kept of extending) {
          await t
            .expect(r.getRepository(kept.name), `${kept.name} once ${name} is deleted`)
            .resolves.toMatchObject({ name: kept.name })
        }
      },
    )

    registryTest(options, 'deleteRepository of a deleted repository succeeds', async (r, t) => {
      const created = await r.createRepository(uniqueName('life'))
      await r.deleteRepository(created.name)
      await t.expect(r.deleteRepository(created.name)).resolves.toBeUndefined()
    })

    registryTest(options, 'a deleted repository can be created again', async (r, t) => {
      const name = uniqueName('life')
      const created = await r.createRepository(name)
      await r.deleteRepository(created.name)
      const again = await r.createRepository(name)
      t.expect(again.name).toBe(created.name)
      t.expect((await r.getRepository(again.name)).name).toBe(created.name)
    })

    registryTest(options, 'close can be called more than once', async (r, t) => {
      await r.close()
      await t.expect(r.close()).resolves.toBeUndefined()
    })
  })
}

function expectResponseShape(t: ContractTestContext, response: RepositoryResponse): void {
  t.expect(typeof response.name).toBe('string')
  t.expect(response.name.length).toBeGreaterThan(0)
  // `uri` is a full reference without scheme or tag, or null while not ready; never "".
  if (response.uri !== null) {
    t.expect(response.uri).toMatch(/^[^/\s:]+(:\d+)?\/\S+$/)
    t.expect(response.uri.endsWith(`/${response.name}`)).toBe(true)
  }
  if (response.createdAt !== null) {
    t.expect(response.createdAt).toBeInstanceOf(Date)
    t.expect(Number.isNaN(response.createdAt.getTime())).toBe(false)
    t.expect(response.createdAt.getTime()).toBeGreaterThan(Date.UTC(2000, 0, 1))
  }
}
