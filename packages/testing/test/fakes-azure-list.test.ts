import { FAKE_AZURE, startAzureFake } from '@artifact-registry/testing/fakes/azure'
import { afterAll, describe, expect, it } from 'vitest'
import { aadToken, call } from './azure-wire.js'

// ARM lists a registry's scope maps and tokens a page at a time: each page but the last carries
// an absolute nextLink (with a $skipToken) to the next, and a $skipToken it never gave is refused.

const REGISTRY = `/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/${FAKE_AZURE.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${FAKE_AZURE.registryName}`
const API = 'api-version=2025-11-01'
const fake = await startAzureFake({ lroStyle: 'immediate' })
afterAll(() => fake.close())
const bearer = { authorization: `Bearer ${await aadToken(fake)}` }
const NAMES = Array.from({ length: 45 }, (_, i) => `map-${String(i).padStart(2, '0')}`)
for (const name of NAMES) {
  const put = await call(fake, 'PUT', `${REGISTRY}/scopeMaps/${name}?${API}`, {
    headers: { ...bearer, 'content-type': 'application/json' },
    body: JSON.stringify({ properties: { actions: [`repositories/${name}/content/read`] } }),
  })
  expect(put.status).toBeLessThan(300)
}

type Page = { value: { name: string }[]; nextLink?: string }

describe('Azure fake: ARM list pages', () => {
  it('answers every scope map once, following absolute nextLinks on the fake', async () => {
    const names: string[] = []
    const sizes: number[] = []
    let link: string | undefined = `${fake.url}${REGISTRY}/scopeMaps?${API}`
    while (link !== undefined) {
      expect(link.startsWith(`${fake.url}/`)).toBe(true)
      const answer = await call(fake, 'GET', link, { headers: bearer })
      expect(answer.status).toBe(200)
      const page = answer.body as Page
      names.push(...page.value.map((m) => m.name))
      sizes.push(page.value.length)
      link = page.nextLink
    }
    expect(names).toEqual(NAMES)
    expect(sizes).toEqual([20, 20, 5])
  })

  it('refuses a $skipToken it never gave, or one of another list', async () => {
    const first = (await call(fake, 'GET', `${REGISTRY}/scopeMaps?${API}`, { headers: bearer }))
      .body as Page
    const token = new URL(first.nextLink ?? '').searchParams.get('$skipToken') ?? ''
    for (const [list, skipToken] of [
      ['scopeMaps', 'made-up'],
      ['tokens', token],
    ]) {
      const query = new URLSearchParams({ $skipToken: skipToken ?? '' })
      const answer = await call(fake, 'GET', `${REGISTRY}/${list}?${API}&${query}`, {
        headers: bearer,
      })
      expect(answer.status).toBe(400)
    }
  })
})

describe('Azure fake: armPageLimit', () => {
  it('answers at most armPageLimit resources a page', async () => {
    await using small = await startAzureFake({ lroStyle: 'immediate', armPageLimit: 3 })
    const auth = { authorization: `Bearer ${await aadToken(small)}` }
    for (const name of NAMES.slice(0, 7)) {
      const put = await call(small, 'PUT', `${REGISTRY}/scopeMaps/${name}?${API}`, {
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ properties: { actions: [`repositories/${name}/content/read`] } }),
      })
      expect(put.status).toBeLessThan(300)
    }
    const sizes: number[] = []
    let link: string | undefined = `${small.url}${REGISTRY}/scopeMaps?${API}`
    while (link !== undefined) {
      const page = (await call(small, 'GET', link, { headers: auth })).body as Page
      sizes.push(page.value.length)
      link = page.nextLink
    }
    expect(sizes).toEqual([3, 3, 1])
  })

  it.each([0, 1.5, -1])('refuses an armPageLimit or catalogPageLimit of %s', async (limit) => {
    await expect(startAzureFake({ armPageLimit: limit })).rejects.toThrow(TypeError)
    await expect(startAzureFake({ catalogPageLimit: limit })).rejects.toThrow(TypeError)
  })
})

describe('Azure fake: catalogPageLimit', () => {
  it('pages the catalog and tag lists by Link; what the fake reports reads every page', async () => {
    await using small = await startAzureFake({ lroStyle: 'immediate', catalogPageLimit: 1 })
    for (const repository of ['a/one', 'b/two', 'c/three']) await small.seedImage(repository)
    for (const tag of ['t1', 't2']) await small.seedImage('a/one', tag)
    expect(await small.getRepositories()).toEqual(['a/one', 'b/two', 'c/three'])
    expect((await small.getRepositoryContent('a/one'))?.tags).toEqual(['latest', 't1', 't2'])
  })
})
