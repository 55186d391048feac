import { randomBytes } from 'node:crypto'
import { type LogEvent, startLocalRegistry } from '@artifact-registry/registry-server'
import { afterAll, describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'

// The binding's repositories come from the registry's catalog: paged by n and last, continued
// through each page's Link, from just after `{bindingName}/` to the first name past it.

const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
const catalog: string[] = []
const server = await startLocalRegistry({
  adminCredentials: admin,
  logLevel: 'info',
  logger: (event: LogEvent) => {
    if (event.msg === 'request' && String(event.path).startsWith('/v2/_catalog')) {
      catalog.push(String(event.path))
    }
  },
})
afterAll(() => server.close())

const provider = (bindingName: string) =>
  local({ url: server.url, bindingName, adminCredentials: admin })
const namesOf = (listed: { name: string }[]): string[] => listed.map((r) => r.name)

async function createAll(bindingName: string, logical: readonly string[]): Promise<string[]> {
  await using registry = await provider(bindingName)
  const names: string[] = []
  for (const name of logical) names.push((await registry.createRepository(name)).name)
  return names
}

describe('listRepositories', () => {
  it("reads every page of the catalog in its namespace, and no other binding's", async () => {
    const logical = Array.from({ length: 105 }, (_, i) => `svc-${String(104 - i).padStart(3, '0')}`)
    const ours = await createAll('pages', logical)
    // Names around the namespace: before it, after it, and ones that start like it (`pages-x`
    // sorts before `pages/`, `pagesx` after it, inside the catalog pages read).
    await createAll('pagea', ['svc-000'])
    await createAll('pages-x', ['svc-000'])
    await createAll('pagesx', ['svc-000'])
    await createAll('pagez', ['svc-000'])
    await using registry = await provider('pages')
    catalog.length = 0
    expect(namesOf(await registry.listRepositories())).toEqual([...ours].sort())
    // 100 a page: ours fill the first, and the second ends past the namespace.
    expect(catalog).toEqual(['/v2/_catalog', '/v2/_catalog'])
  }, 60_000)

  it('answers what getRepository answers; the prefix is matched after {bindingName}/', async () => {
    const [app, api] = await createAll('answers', ['team/app', 'team/api'])
    await createAll('answers', ['teams'])
    await using registry = await provider('answers')
    const listed = await registry.listRepositories({ prefix: 'team/' })
    expect(namesOf(listed)).toEqual([api, app])
    expect(listed[0]).toEqual(await registry.getRepository(api ?? ''))
    expect(listed[0]?.createdAt).toBeInstanceOf(Date)
    expect(await registry.listRepositories({ prefix: 'answers/' })).toEqual([])
  })

  it('leaves out a deleted repository', async () => {
    const [kept, deleted] = await createAll('deleting', ['kept', 'deleted'])
    await using registry = await provider('deleting')
    await registry.deleteRepository(deleted ?? '')
    expect(namesOf(await registry.listRepositories())).toEqual([kept])
  })

  it('maps a refusal of the catalog: credentials other than the admin may not read it', async () => {
    await using registry = await local({
      url: server.url,
      bindingName: 'refused',
      adminCredentials: { username: 'admin', password: 'wrong' },
    })
    await expect(registry.listRepositories()).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      platform: 'local',
    })
  })

  it('rejects with the reason of an aborted signal', async () => {
    await using registry = await provider('aborted')
    const reason = new Error('the caller gave up')
    const controller = new AbortController()
    const listing = registry.listRepositories({ signal: controller.signal })
    controller.abort(reason)
    await expect(listing).rejects.toBe(reason)
  })
})
