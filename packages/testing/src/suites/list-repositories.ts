import {
  type ArtifactRegistry,
  isArtifactRegistryError,
  type RepositoryResponse,
} from '@artifact-registry/core'
import { checkOptions, expectCode, registryTest, uniqueName } from '../context.js'
import type { ContractSuiteOptions, ContractTestContext } from '../types.js'
import { SkopeoSession } from './data-plane-skopeo.js'

/** Why the group's tests are skipped for a provider that does not declare the capability. */
export const LIST_NOT_DECLARED =
  'provider declares no capabilities.listRepositories: the capabilities group checks that it has no listRepositories either'

/** Why repositories cannot be made to exist on an implicit-repositories platform. */
export const IMPLICIT_NEEDS_DATA_PLANE =
  'provider declares implicitRepositories: a repository is listed once it holds an image, and the suite pushes one only with options.dataPlane'

/** Why the isolation test is skipped when the caller gave no second binding. */
export const OTHER_BINDING_NOT_GIVEN =
  'options.otherBinding not given: the isolation test needs a provider of another binding on the same registry'

/** What each test of the group works with. */
interface ListTest<R extends ArtifactRegistry> {
  readonly r: R
  readonly t: ContractTestContext
  readonly options: ContractSuiteOptions<R>
}

/**
 * listRepositories (gated on `capabilities.listRepositories`): created repositories are listed,
 * paths below the namespace included, sorted, with and without a prefix; deleted ones are not; every page is read; another binding's
 * repositories never appear; bad options give `INVALID_ARGUMENT`; an aborted signal rejects with
 * its reason. On an `implicitRepositories` platform a repository exists once it holds an image,
 * so the suite pushes one with skopeo (which needs `options.dataPlane`).
 */
export function listRepositoryTests<R extends ArtifactRegistry>(
  options: ContractSuiteOptions<R>,
): void {
  checkOptions(options)
  const test = (name: string, fn: (c: ListTest<R>) => Promise<void>): void =>
    registryTest(options, name, async (r, t) => {
      if (r.capabilities.listRepositories !== true) return t.skip(LIST_NOT_DECLARED)
      await fn({ r, t, options })
    })

  options.test.describe('listRepositories', () => {
    test('lists created repositories, sorted, with and without a prefix', async (c) => {
      const stem = uniqueName('list')
      // A path among them: a listing that takes one level below the namespace (a pattern of
      // `[^/]+`, a catalog read one level deep) leaves out every repository named like `team/app`.
      const [b, a, ab, nested] = await createExisting(c, [
        `${stem}-b`,
        `${stem}-a`,
        `${stem}-ab`,
        `${stem}-a/n`,
      ])
      if (b === undefined || a === undefined || ab === undefined || nested === undefined) return
      const namespace = a.name.slice(0, a.name.length - `${stem}-a`.length)
      const everything = await list(c)
      expectSorted(c.t, everything)
      for (const listed of everything) c.t.expect(listed.name.startsWith(namespace)).toBe(true)
      const names = everything.map((listed) => listed.name)
      const all = [a.name, nested.name, ab.name, b.name]
      c.t.expect(names).toEqual(c.t.expect.arrayContaining(all))
      c.t.expect(await namesOf(list(c, stem))).toEqual(all)
      c.t.expect(await namesOf(list(c, `${stem}-a`))).toEqual([a.name, nested.name, ab.name])
      c.t.expect(await namesOf(list(c, `${stem}-a/`))).toEqual([nested.name])
      c.t.expect(await list(c, uniqueName('none'))).toEqual([])
      // What is listed is what getRepository answers.
      for (const listed of await list(c, stem)) {
        const got = await c.r.getRepository(listed.name)
        c.t.expect(listed.uri).toBe(got.uri)
        if (listed.createdAt !== null && got.createdAt !== null) {
          c.t.expect(listed.createdAt.getTime()).toBe(got.createdAt.getTime())
        }
      }
    })

    test('a deleted repository is not listed', async (c) => {
      const stem = uniqueName('list')
      const [kept, deleted] = await createExisting(c, [`${stem}-kept`, `${stem}-gone`])
      if (kept === undefined || deleted === undefined) return
      await c.r.deleteRepository(deleted.name)
      c.t.expect(await namesOf(list(c, stem))).toEqual([kept.name])
    })

    test('every page is read', async (c) => {
      // More than the page size a fake is started with for this (two): the listing spans pages.
      const stem = uniqueName('page')
      const logical = [5, 3, 1, 4, 2].map((n) => `${stem}-${n}`)
      const created = await createExisting(c, logical)
      if (created.length < logical.length) return
      const expected = created.map((r) => r.name).sort(byCodeUnits)
      c.t.expect(await namesOf(list(c, stem))).toEqual(expected)
      c.t.expect(await namesOf(list(c))).toEqual(c.t.expect.arrayContaining(expected))
    })

    test("another binding's repositories are not listed", async (c) => {
      const otherBinding = c.options.otherBinding
      if (otherBinding === undefined) return c.t.skip(OTHER_BINDING_NOT_GIVEN)
      const other = await otherBinding(c.r)
      try {
        const stem = uniqueName('bind')
        const [mine] = await createExisting(c, [`${stem}-x`])
        const [theirs] = await createExisting({ ...c, r: other }, [`${stem}-x`])
        if (mine === undefined || theirs === undefined) return
        c.t.expect(theirs.name).not.toBe(mine.name)
        c.t.expect(await namesOf(list(c, stem))).toEqual([mine.name])
        c.t.expect((await list(c)).map((r) => r.name)).not.toContain(theirs.name)
        c.t.expect(await namesOf(list({ ...c, r: other }, stem))).toEqual([theirs.name])
        // A prefix that climbs out of the namespace to theirs (`../other/`): a provider that puts
        // namespace and prefix in a path, or resolves them as one, lists their repositories.
        const climbing = climbingPrefix(mine.name, theirs.name, `${stem}-x`)
        if (climbing !== undefined) {
          const listed = await namesOf(list(c, `${climbing}${stem}`)).catch((error: unknown) => {
            // Refusing the prefix is as good as listing nothing under it, as an argument or as
            // a name (the naming group has `a/../b` refused as INVALID_NAME).
            const refused =
              isArtifactRegistryError(error, 'INVALID_ARGUMENT') ||
              isArtifactRegistryError(error, 'INVALID_NAME')
            if (refused) return []
            throw error
          })
          c.t
            .expect(listed, `a listing with the prefix ${climbing}${stem}`)
            .not.toContain(theirs.name)
        }
      } finally {
        await (c.options.teardown ? c.options.teardown(other) : other.close())
      }
    })

    test('options that are not { prefix, signal } give INVALID_ARGUMENT', async (c) => {
      const listRepositories = listOf(c.r)
      const bad: unknown[] = ['team-', { prefx: 'team-' }, { prefix: 7 }, { signal: 'stop' }]
      for (const options of bad) {
        await expectCode(c.t, listRepositories(options as { prefix?: string }), 'INVALID_ARGUMENT')
      }
    })

    test('an aborted signal rejects with its reason', async (c) => {
      const reason = new Error('listing cancelled by the contract suite')
      const signal = AbortSignal.abort(reason)
      await c.t.expect(listOf(c.r)({ signal })).rejects.toBe(reason)
    })
  })
}

// --- Internal ---

type ListFn = NonNullable<ArtifactRegistry['listRepositories']>

/** The provider's listRepositories, bound; the group runs only when it is declared. */
function listOf(r: ArtifactRegistry): ListFn {
  const listRepositories = r.listRepositories
  if (listRepositories === undefined) {
    throw new TypeError('capabilities.listRepositories is true, but listRepositories is missing')
  }
  return listRepositories.bind(r)
}

function list<R extends ArtifactRegistry>(
  c: Pick<ListTest<R>, 'r'>,
  prefix?: string,
): Promise<RepositoryResponse[]> {
  return listOf(c.r)(prefix === undefined ? undefined : { prefix })
}

async function namesOf(listing: Promise<RepositoryResponse[]>): Promise<string[]> {
  return (await listing).map((r) => r.name)
}

/**
 * The prefix that climbs from the namespace of `mine` to that of `theirs` with `..` (both end
 * with `logical`), or undefined where the namespace is no path (a name prefix like `acme-`).
 */
function climbingPrefix(mine: string, theirs: string, logical: string): string | undefined {
  const namespace = mine.slice(0, mine.length - logical.length)
  if (!namespace.endsWith('/')) return undefined
  const depth = namespace.split('/').length - 1
  return `${'../'.repeat(depth)}${theirs.slice(0, theirs.length - logical.length)}`
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function expectSorted(t: ContractTestContext, listing: readonly RepositoryResponse[]): void {
  const names = listing.map((r) => r.name)
  t.expect(names).toEqual([...names].sort(byCodeUnits))
  t.expect(new Set(names).size).toBe(names.length)
}

/**
 * Create repositories under these logical names so that the platform lists them: on an
 * implicit-repositories platform, also push an image to each (the test is skipped without
 * `options.dataPlane`, and the result is then empty). Logical names are valid ones, kept as given.
 */
async function createExisting<R extends ArtifactRegistry>(
  c: ListTest<R>,
  logical: readonly string[],
): Promise<RepositoryResponse[]> {
  const dataPlane = c.options.dataPlane
  if (c.r.capabilities.implicitRepositories && dataPlane === undefined) {
    c.t.skip(IMPLICIT_NEEDS_DATA_PLANE)
    return []
  }
  const created: RepositoryResponse[] = []
  for (const name of logical) {
    const repository = await c.r.createRepository(name)
    c.t.expect(repository.name.endsWith(name)).toBe(true)
    created.push(repository)
  }
  if (!c.r.capabilities.implicitRepositories || dataPlane === undefined) return created
  const skopeo = await SkopeoSession.open(dataPlane, c.options.timeoutMs ?? 30_000)
  try {
    const image = await skopeo.newImage()
    for (const { name } of created) {
      const pusher = await skopeo.login(await c.r.generateCredentials(name, 'push-pull'))
      await pusher.push(image, name)
    }
  } finally {
    await skopeo.close()
  }
  return created
}
