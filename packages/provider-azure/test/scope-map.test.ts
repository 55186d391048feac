import { isValidPlatformName } from '@artifact-registry/core'
import type { AzureFake } from '@artifact-registry/testing/fakes/azure'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routableName } from '../src/naming.js'
import { SCOPE_MAP_ACTIONS, scopeMapActions, scopeMapName } from '../src/scope-map.js'
import { fakeProvider, startStrictAzureFake } from './fixtures.js'

const ACR_SCOPE_MAP = /^[A-Za-z][A-Za-z0-9-]{4,49}$/

/** Routable names as the provider produces them, from names people actually type. */
const routable = fc
  .tuple(
    fc.constantFrom(undefined, 'team-a', 'artifacts/prod'),
    fc.string({
      unit: fc.constantFrom(...'abcXYZ0189._-/ _@'.split('')),
      minLength: 1,
      maxLength: 80,
    }),
  )
  .map(([prefix, logical]) => {
    try {
      return routableName(logical, prefix, 255)
    } catch {
      return undefined
    }
  })
  .filter((name): name is string => name !== undefined)

describe('scope-map naming', () => {
  it('gives the adapted name the README shows', () => {
    expect(scopeMapName('team-a/web-app')).toBe('team-a-web-app-xa46155b6a745')
  })

  it('keeps a repository name that meets ACR scope-map rules', () => {
    expect(scopeMapName('prj-abc123')).toBe('prj-abc123')
    expect(scopeMapName('webapp')).toBe('webapp')
  })

  it.each([
    ['team-a/web-app', 'a "/"'],
    ['my_app', 'an underscore'],
    ['app', 'fewer than 5 characters'],
    ['9lives', 'a leading digit'],
    ['a'.repeat(60), 'more than 50 characters'],
    ['web--app', 'a double hyphen'],
  ])('hashes %j (%s) into a valid, stable name', (repository) => {
    const name = scopeMapName(repository)
    expect(name).toMatch(ACR_SCOPE_MAP)
    expect(name).toMatch(/-x[0-9a-f]{12}$/)
    expect(scopeMapName(repository)).toBe(name)
  })

  it('property: valid, deterministic and injective (even ignoring case, as ARM does)', () => {
    const seen = new Map<string, string>()
    fc.assert(
      fc.property(routable, (repository) => {
        const name = scopeMapName(repository)
        expect(name).toMatch(ACR_SCOPE_MAP)
        expect(isValidPlatformName('acr-scope-map', name)).toBe(true)
        expect(scopeMapName(repository)).toBe(name)
        const previous = seen.get(name.toLowerCase())
        if (previous !== undefined) expect(previous).toBe(repository)
        seen.set(name.toLowerCase(), repository)
      }),
      { numRuns: 3000 },
    )
    expect(seen.size).toBeGreaterThan(500)
  })

  it('covers what each permission needs (content read, write, delete; metadata read, write) on exactly the repository', () => {
    expect(scopeMapActions('team-a/web').sort()).toEqual([
      'repositories/team-a/web/content/delete',
      'repositories/team-a/web/content/read',
      'repositories/team-a/web/content/write',
      'repositories/team-a/web/metadata/read',
      'repositories/team-a/web/metadata/write',
    ])
    for (const actions of Object.values(SCOPE_MAP_ACTIONS)) {
      for (const action of actions) {
        expect(scopeMapActions('team-a/web')).toContain(`repositories/team-a/web/${action}`)
      }
    }
  })
})

describe('createRepository and scope maps in the fake', () => {
  let fake: AzureFake
  beforeAll(async () => {
    fake = await startStrictAzureFake()
  })
  afterAll(() => fake.close())

  it('creates one scope map named after the routable name, with its actions', async () => {
    const registry = await fakeProvider(fake, { repositoryPrefix: 'team-a' })
    const { name } = await registry.createRepository('Web_App')
    expect(name).toMatch(/^team-a\/web_app-x[0-9a-f]{24}$/)
    const map = fake.getScopeMaps().find((m) => m.name === scopeMapName(name))
    expect(map?.actions).toEqual(scopeMapActions(name))
    expect(map?.description).toBe('Managed by @artifact-registry/provider-azure')
    expect(map?.provisioningState).toBe('Succeeded')
  })

  it('names scope maps and tokens as earlier versions did, so their repositories stay found and revocable', async () => {
    // What an earlier version made for `team-a/web-app` (the README's example): were the names
    // to change, that repository would be NOT_FOUND and deleteRepository would leave its tokens.
    const earlier = 'team-a-web-app-xa46155b6a745'
    // A fake of its own: the other tests read the shared one's request log.
    await using fake = await startStrictAzureFake()
    const registry = await fakeProvider(fake, {
      repositoryPrefix: 'team-a',
      credentials: 'repository-token',
    })
    const { name } = await registry.createRepository('web-app')
    expect(fake.getScopeMaps().map((m) => m.name)).toContain(earlier)
    await registry.generateCredentials(name, 'push-pull')
    expect(fake.getTokens().map((t) => t.name)).toContain(`${earlier}--push`)
    await registry.deleteRepository(name)
    const left = [...fake.getScopeMaps(), ...fake.getTokens()].map((r) => r.name)
    expect(left.filter((n) => n?.startsWith(earlier))).toEqual([])
  })

  it('is idempotent: a second create writes nothing and returns the same createdAt', async () => {
    const registry = await fakeProvider(fake)
    const first = await registry.createRepository('idempotent-app')
    const creates = fake.requestsFor('scopeMaps.create').length
    const second = await registry.createRepository('idempotent-app')
    expect(fake.requestsFor('scopeMaps.create')).toHaveLength(creates)
    expect(second).toEqual(first)
    expect(first.createdAt).toBeInstanceOf(Date)
  })

  it('refuses to adopt a scope map of the same name that is not the repository one', async () => {
    const registry = await fakeProvider(fake)
    await registry.createRepository('shared-name')
    const map = fake.getScopeMaps().find((m) => m.name === 'shared-name')
    if (map === undefined) throw new Error('scope map missing')
    map.actions = ['repositories/other/content/read']
    await expect(registry.createRepository('shared-name')).rejects.toMatchObject({
      code: 'CONFLICT',
    })
    await expect(registry.getRepository('shared-name')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    // Not ours: deleteRepository must leave it alone.
    await registry.deleteRepository('shared-name')
    expect(fake.getScopeMaps().some((m) => m.name === 'shared-name')).toBe(true)
  })

  it('brings a scope map an older version made up to every action, once', async () => {
    const registry = await fakeProvider(fake)
    const { name } = await registry.createRepository('older-app')
    const map = fake.getScopeMaps().find((m) => m.name === scopeMapName(name))
    if (map === undefined) throw new Error('scope map missing')
    map.actions = ['content/read', 'content/write', 'metadata/read'].map(
      (action) => `repositories/${name}/${action}`,
    )
    const creates = fake.requestsFor('scopeMaps.create').length
    await registry.createRepository('older-app')
    expect(map.actions).toEqual(scopeMapActions(name))
    await registry.createRepository('older-app')
    expect(fake.requestsFor('scopeMaps.create')).toHaveLength(creates + 1)
  })

  it('rewrites a scope map holding more than its repository’s actions (another repository’s)', async () => {
    const registry = await fakeProvider(fake)
    const { name } = await registry.createRepository('edited-app')
    const map = fake.getScopeMaps().find((m) => m.name === scopeMapName(name))
    if (map === undefined) throw new Error('scope map missing')
    map.actions = [...scopeMapActions(name), 'repositories/other-app/content/write']
    await registry.createRepository('edited-app')
    expect(map.actions).toEqual(scopeMapActions(name))
  })

  it('deleteRepository removes the images and the scope map', async () => {
    const registry = await fakeProvider(fake)
    const { name } = await registry.createRepository('to-delete')
    await fake.seedImage(name, 'v1')
    await registry.deleteRepository(name)
    expect(await fake.getRepositoryContent(name)).toBeUndefined()
    expect(fake.getScopeMaps().some((m) => m.name === scopeMapName(name))).toBe(false)
    const [deleteCall] = fake.requestsFor('acr.deleteRepository')
    expect(deleteCall?.url).toBe(`/acr/v1/${name}`)
  })

  it('refuses names outside its prefix with INVALID_ARGUMENT and never touches them', async () => {
    const registry = await fakeProvider(fake, { repositoryPrefix: 'team-a' })
    await fake.seedImage('team-b/app')
    const before = fake.requests.length
    for (const call of [
      () => registry.deleteRepository('team-b/app'),
      () => registry.getRepository('team-b/app'),
      () => registry.generateCredentials('team-b/app', 'pull'),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', platform: 'azure' })
    }
    expect(fake.requests.length).toBe(before)
    expect((await fake.getRepositoryContent('team-b/app'))?.tags).toEqual(['latest'])
  })
})
