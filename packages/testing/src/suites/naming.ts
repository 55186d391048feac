import type { ArtifactRegistry } from '@artifact-registry/core'
import { checkOptions, expectCode, registryTest, uniqueName } from '../context.js'
import type { ContractSuiteOptions, ContractTestContext } from '../types.js'
import { SAMPLE_ACCESS } from './cross-account.js'

/** Names that no platform accepts: they must give `INVALID_NAME`, never a request. */
export const INVALID_NAMES: readonly string[] = [
  '',
  '   ',
  '/leading',
  'trailing/',
  'double//slash',
  'dot/../dot',
  'control\u0007char',
  // Not Unicode text: read as UTF-8 it would be `lone\uFFFD`, a different name.
  'lone\uD800',
  'x'.repeat(600),
]

/**
 * Naming: bad names give `INVALID_NAME`; valid names are kept; names that must be adapted stay
 * distinct and are adapted the same way every time; a name outside the provider's namespace gives
 * `INVALID_ARGUMENT` (grant changes included); the routable name round-trips through every method.
 */
export function namingTests<R extends ArtifactRegistry>(options: ContractSuiteOptions<R>): void {
  checkOptions(options)
  options.test.describe('naming', () => {
    registryTest(options, 'invalid names give INVALID_NAME from createRepository', async (r, t) => {
      for (const name of INVALID_NAMES)
        await expectCode(t, r.createRepository(name), 'INVALID_NAME')
    })

    registryTest(
      options,
      'invalid names give INVALID_NAME from the other methods',
      async (r, t) => {
        // A name inside the namespace by its prefix that climbs out of it: a provider that checks
        // the prefix and then puts the name in a URL path reaches what `..` resolves to, another
        // binding's repository (`artifacts/../other/x` is `other/x`).
        const { logical, name } = await createKeepingLogicalName(r, t, 'dots')
        const namespace = name.slice(0, name.length - logical.length)
        const climbing = namespace.endsWith('/') ? [`${namespace}../${logical}`] : []
        const type = r.capabilities.crossAccountAccess
        for (const invalid of ['', '/x', 'a/../b', ...climbing]) {
          await expectCode(t, r.getRepository(invalid), 'INVALID_NAME')
          await expectCode(t, r.deleteRepository(invalid), 'INVALID_NAME')
          await expectCode(t, r.generateCredentials(invalid, 'pull'), 'INVALID_NAME')
          if (type === null) continue
          // Grant changes too: one made there gives another account pull access to it.
          const [access] = SAMPLE_ACCESS[type]
          await expectCode(t, r.getCrossAccountAccess(invalid), 'INVALID_NAME')
          await expectCode(t, r.addCrossAccountAccess(invalid, access), 'INVALID_NAME')
          await expectCode(t, r.removeCrossAccountAccess(invalid, access), 'INVALID_NAME')
        }
      },
    )

    registryTest(
      options,
      'a valid logical name is kept as given in the routable name',
      async (r, t) => {
        await createKeepingLogicalName(r, t, 'prj_abc')
      },
    )

    registryTest(
      options,
      'names that must be adapted still work and stay distinct',
      async (r, t) => {
        const base = uniqueName('case')
        const upper = await r.createRepository(base.toUpperCase())
        const lower = await r.createRepository(base)
        const spaced = await r.createRepository(`${base} app`)
        t.expect(new Set([upper.name, lower.name, spaced.name]).size).toBe(3)
        t.expect((await r.getRepository(upper.name)).name).toBe(upper.name)
        t.expect((await r.getRepository(spaced.name)).name).toBe(spaced.name)
        // The mapping is deterministic: an adapted name created again is the same repository, or
        // an application asking for its repository by name would reach a new, empty one each time.
        t.expect((await r.createRepository(base.toUpperCase())).name).toBe(upper.name)
        t.expect((await r.createRepository(`${base} app`)).name).toBe(spaced.name)
      },
    )

    registryTest(
      options,
      "a name outside the provider's namespace gives INVALID_ARGUMENT from every method",
      async (r, t) => {
        // A valid logical name is kept as given, so what precedes it is the namespace.
        const { logical, name } = await createKeepingLogicalName(r, t, 'ns')
        const namespace = name.slice(0, name.length - logical.length)
        if (namespace === '') return t.skip("the provider's namespace is the whole registry")
        // The logical name (passed back by mistake), the same name in a sibling namespace, and in
        // one whose name extends this one's (`team-a/` and `team-ab/`, another binding's): a check
        // that forgets the namespace's closing separator lets that last one through.
        const extended = `${namespace.slice(0, -1)}z${namespace.slice(-1)}${logical}`
        const outside = [logical, `z${name}`, extended].filter(
          (other) => !other.startsWith(namespace),
        )
        t.expect(outside.length).toBeGreaterThan(0)
        for (const other of outside) {
          await expectCode(t, r.getRepository(other), 'INVALID_ARGUMENT')
          await expectCode(t, r.deleteRepository(other), 'INVALID_ARGUMENT')
          await expectCode(t, r.generateCredentials(other, 'pull'), 'INVALID_ARGUMENT')
          const type = r.capabilities.crossAccountAccess
          if (type !== null) {
            await expectCode(t, r.getCrossAccountAccess(other), 'INVALID_ARGUMENT')
            // A grant made there would give another account pull access to a repository of
            // another binding, and a removal would take away one this provider never made.
            const [access] = SAMPLE_ACCESS[type]
            await expectCode(t, r.addCrossAccountAccess(other, access), 'INVALID_ARGUMENT')
            await expectCode(t, r.removeCrossAccountAccess(other, access), 'INVALID_ARGUMENT')
          }
        }
        // Refusing is all it did: the repository in the namespace is still there.
        t.expect((await r.getRepository(name)).name).toBe(name)
      },
    )

    registryTest(
      options,
      'a logical name of any length gives an image name docker can use',
      async (r, t) => {
        // Docker's reference grammar caps `{host}/{repository}` at 255 characters, host included:
        // a routable name within the platform's own limit can still be one no client pulls.
        const logical = `${uniqueName('long')} ${'x'.repeat(400)}`
        const { name, uri } = await r.createRepository(logical)
        const image = uri ?? (await r.getRepository(name)).uri
        if (image === null) return t.skip('the provider reports no image name yet')
        t.expect(image.endsWith(`/${name}`)).toBe(true)
        t.expect(image.length).toBeLessThanOrEqual(255)
        await r.deleteRepository(name)
      },
    )

    registryTest(options, 'the routable name round-trips through every method', async (r, t) => {
      const { name } = await r.createRepository(uniqueName('trip'))
      t.expect((await r.getRepository(name)).name).toBe(name)
      const credentials = await r.generateCredentials(name, 'pull')
      t.expect(credentials.password.length).toBeGreaterThan(0)
      if (r.capabilities.crossAccountAccess !== null) {
        const granted = await r.getCrossAccountAccess(name)
        t.expect(granted.access.type).toBe(r.capabilities.crossAccountAccess)
      }
      await r.deleteRepository(name)
    })
  })
}

/**
 * Create a repository under a fresh valid logical name and expect the routable name to end with
 * it, as given.
 */
async function createKeepingLogicalName(
  r: ArtifactRegistry,
  t: ContractTestContext,
  prefix: string,
): Promise<{ logical: string; name: string }> {
  const logical = uniqueName(prefix)
  const { name } = await r.createRepository(logical)
  t.expect(name.endsWith(logical)).toBe(true)
  return { logical, name }
}
