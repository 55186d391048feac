import type { AzureFake } from '@artifact-registry/testing/fakes/azure'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { AzureProvider } from '../src/index.js'
import { fakeProvider, startStrictAzureFake } from './fixtures.js'

// A repository is recorded as its scope map: the listing reads the registry's scope maps through
// ARM, following nextLink over every page, and keeps each repository's own within the prefix.

let fake: AzureFake
beforeAll(async () => {
  fake = await startStrictAzureFake({ lroStyle: 'immediate' })
})
afterAll(() => fake.close())
beforeEach(() => fake.reset())

const namesOf = (listed: { name: string }[]): string[] => listed.map((r) => r.name)

async function createAll(registry: AzureProvider, logical: readonly string[]): Promise<string[]> {
  const names: string[] = []
  for (const name of logical) names.push((await registry.createRepository(name)).name)
  return names
}

describe('listRepositories', () => {
  it('follows nextLink over every page of scope maps, and keeps its prefix only, sorted', async () => {
    await using teamA = await fakeProvider(fake, { repositoryPrefix: 'pages' })
    await using other = await fakeProvider(fake, { repositoryPrefix: 'pages-other' })
    const ours = await createAll(
      teamA,
      Array.from({ length: 25 }, (_, i) => `svc-${String(24 - i).padStart(2, '0')}`),
    )
    await createAll(other, ['svc-00'])
    fake.reset()
    expect(namesOf(await teamA.listRepositories())).toEqual([...ours].sort())
    const pages = fake.requestsFor('scopeMaps.list')
    expect(pages.length).toBeGreaterThan(1)
    expect(new URL(pages[1]?.url ?? '', 'https://x').searchParams.get('$skipToken')).toBeTruthy()
  })

  it('answers what getRepository answers, and matches the prefix after {repositoryPrefix}/', async () => {
    await using registry = await fakeProvider(fake, { repositoryPrefix: 'answers' })
    const [web, api] = await createAll(registry, ['web/app', 'api'])
    const adapted = (await registry.createRepository('Web Shop')).name
    expect(await registry.listRepositories({ prefix: 'web/' })).toEqual([
      await registry.getRepository(web ?? ''),
    ])
    expect(namesOf(await registry.listRepositories({ prefix: 'web' }))).toEqual(
      [adapted, web].sort(),
    )
    expect(namesOf(await registry.listRepositories({ prefix: 'ap' }))).toEqual([api])
    expect(await registry.listRepositories({ prefix: 'answers/' })).toEqual([])
  })

  it("leaves out a token's scope map and a deleted repository", async () => {
    await using registry = await fakeProvider(fake, {
      repositoryPrefix: 'tokens',
      credentials: 'repository-token',
    })
    const [kept, deleted] = await createAll(registry, ['kept', 'deleted'])
    await registry.generateCredentials(kept ?? '', 'pull')
    const maps = fake
      .getScopeMaps()
      .filter((m) => m.actions.includes('repositories/tokens/kept/content/read'))
    expect(maps.length).toBeGreaterThan(1)
    await registry.deleteRepository(deleted ?? '')
    expect(namesOf(await registry.listRepositories())).toEqual([kept])
  })

  it('without a prefix lists every repository of the registry', async () => {
    await using whole = await fakeProvider(fake)
    await using prefixed = await fakeProvider(fake, { repositoryPrefix: 'whole' })
    const [mine] = await createAll(whole, ['whole-registry'])
    const [theirs] = await createAll(prefixed, ['x'])
    expect(namesOf(await whole.listRepositories())).toEqual(expect.arrayContaining([mine, theirs]))
  })

  it('maps a refusal of the list', async () => {
    await using registry = await fakeProvider(fake, { repositoryPrefix: 'refused' })
    fake.inject('scopeMaps.list', 'access-denied')
    await expect(registry.listRepositories()).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      platform: 'azure',
    })
  })

  it('stops when the signal aborts during a page, rejecting with its reason', async () => {
    await using registry = await fakeProvider(fake, { repositoryPrefix: 'aborted' })
    const controller = new AbortController()
    const reason = new Error('the caller gave up')
    // ARM takes its time to answer the page: the abort must not wait for it.
    fake.inject('scopeMaps.list', {
      before: async () => {
        controller.abort(reason)
        await new Promise((resolve) => setTimeout(resolve, 3000))
      },
    })
    const started = Date.now()
    await expect(registry.listRepositories({ signal: controller.signal })).rejects.toBe(reason)
    expect(Date.now() - started).toBeLessThan(2000)
  })
})
