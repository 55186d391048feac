import { describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { EMPTY_JSON_CONTENT, imageManifest } from '../support/content.js'
import { pushBlob } from '../support/push.js'

// maxPageEntries caps every page of the catalog and of tags/list whatever `n` asks, as
// distribution's catalog.maxentries does: a client gets the rest only by following `Link`.

const REPOSITORIES = ['cap/a', 'cap/b', 'cap/c', 'cap/d', 'cap/e']

/** Every page from `first`, following `Link`: the names of each page, in order. */
async function pages(url: string, first: string, key: string): Promise<string[][]> {
  const found: string[][] = []
  let next: string | undefined = first
  while (next !== undefined) {
    const res = await fetch(new URL(next, url))
    expect(res.status).toBe(200)
    found.push(((await res.json()) as Record<string, string[]>)[key] ?? [])
    next = res.headers.get('link')?.match(/^<([^>]+)>; rel="next"$/)?.[1]
  }
  return found
}

describe('maxPageEntries', () => {
  it('caps every page of the catalog and of tags/list below n, the rest through Link', async () => {
    await using registry = await startLocalRegistry({ logLevel: 'silent', maxPageEntries: 2 })
    const manifest = imageManifest(EMPTY_JSON_CONTENT.descriptor, [])
    const tags = REPOSITORIES.map((_, i) => `t${i}`)
    for (const repository of REPOSITORIES) {
      await pushBlob(registry.url, repository, EMPTY_JSON_CONTENT.bytes)
      const query = tags.map((t) => `tag=${t}`).join('&')
      const put = await fetch(
        `${registry.url}/v2/${repository}/manifests/${manifest.descriptor.digest}?${query}`,
        {
          method: 'PUT',
          body: manifest.bytes,
          headers: { 'content-type': manifest.descriptor.mediaType },
        },
      )
      expect(put.status, await put.text()).toBe(201)
    }
    const expected = [['cap/a', 'cap/b'], ['cap/c', 'cap/d'], ['cap/e']]
    expect(await pages(registry.url, '/v2/_catalog?n=100', 'repositories')).toEqual(expected)
    expect(await pages(registry.url, '/v2/_catalog', 'repositories')).toEqual(expected)
    expect(await pages(registry.url, '/v2/_catalog?n=1', 'repositories')).toHaveLength(5)
    const tagPages = [['t0', 't1'], ['t2', 't3'], ['t4']]
    expect(await pages(registry.url, '/v2/cap/a/tags/list?n=50', 'tags')).toEqual(tagPages)
    expect(await pages(registry.url, '/v2/cap/a/tags/list', 'tags')).toEqual(tagPages)
    // The Link keeps the client's n as digits, however large: written as a number, 10^23 came
    // back as n=1e+23, and following it was refused.
    const huge = '100000000000000000000000'
    expect(await pages(registry.url, `/v2/_catalog?n=${huge}`, 'repositories')).toEqual(expected)
    const first = await fetch(`${registry.url}/v2/_catalog?n=00${huge}`)
    await first.body?.cancel()
    expect(first.headers.get('link')).toBe(`</v2/_catalog?n=${huge}&last=cap%2Fb>; rel="next"`)
    // n=0 stays an empty page without Link.
    const empty = await fetch(`${registry.url}/v2/_catalog?n=0`)
    expect(await empty.json()).toEqual({ repositories: [] })
    expect(empty.headers.get('link')).toBeNull()
  })

  it('is a whole number of at least 1', async () => {
    for (const maxPageEntries of [0, -1, 1.5, Number.NaN, '2']) {
      await expect(
        startLocalRegistry({ maxPageEntries: maxPageEntries as number }),
      ).rejects.toThrow(/maxPageEntries must be a whole number of at least 1/)
    }
  })
})
