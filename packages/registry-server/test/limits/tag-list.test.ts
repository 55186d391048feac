import { afterEach, describe, expect, it, vi } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { type Content, EMPTY_JSON_CONTENT, imageManifest } from '../support/content.js'
import { pushBlob } from '../support/push.js'

// A page of tags must cost its size, not the repository's: sorted again at every request, a
// repository of a million tags cost each `tags/list?n=10` 240 ms of the main thread, so a pull
// credential could keep the server from answering anyone. The sorted list is kept, and updated
// by each change of the tags.

const REPO = 'many/tags'
const TAGS = 3000

afterEach(() => {
  vi.restoreAllMocks()
})

async function putTags(url: string, manifest: Content, tags: string[]): Promise<void> {
  const { digest, mediaType } = manifest.descriptor
  for (let i = 0; i < tags.length; i += 1000) {
    const query = tags
      .slice(i, i + 1000)
      .map((t) => `tag=${t}`)
      .join('&')
    const res = await fetch(`${url}/v2/${REPO}/manifests/${digest}?${query}`, {
      method: 'PUT',
      body: manifest.bytes,
      headers: { 'content-type': mediaType },
    })
    expect(res.status, await res.text()).toBe(201)
  }
}

async function allTags(url: string, n: number): Promise<string[]> {
  const listed: string[] = []
  let next: string | undefined = `/v2/${REPO}/tags/list?n=${n}`
  while (next !== undefined) {
    const res = await fetch(new URL(next, url))
    expect(res.status).toBe(200)
    listed.push(...((await res.json()) as { tags: string[] }).tags)
    next = res.headers.get('link')?.match(/^<([^>]+)>; rel="next"$/)?.[1]
  }
  return listed
}

describe('listing the tags of a large repository', () => {
  it('does not sort them all again for each page, and stays right as tags come and go', async () => {
    await using registry = await startLocalRegistry({ logLevel: 'silent' })
    await pushBlob(registry.url, REPO, EMPTY_JSON_CONTENT.bytes)
    const body = imageManifest(EMPTY_JSON_CONTENT.descriptor, [])
    const tags = Array.from({ length: TAGS }, (_, i) => `t${String(i * 2).padStart(5, '0')}`)
    await putTags(registry.url, body, tags)

    const sort = vi.spyOn(Array.prototype, 'sort')
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${registry.url}/v2/${REPO}/tags/list?n=5&last=${tags[i * 100]}`)
      expect(res.status).toBe(200)
      const page = (await res.json()) as { tags: string[] }
      expect(page.tags).toEqual(tags.slice(i * 100 + 1, i * 100 + 6))
    }
    const wholeSorts = sort.mock.contexts.filter((c) => (c as unknown[]).length >= TAGS)
    expect(wholeSorts.length).toBeLessThanOrEqual(1)
    sort.mockRestore()

    // Tags added between the others, and one deleted: the list follows.
    const added = ['t00001', 't00003', 'a', 'zz']
    await putTags(registry.url, body, added)
    const removed = await fetch(`${registry.url}/v2/${REPO}/manifests/${tags[1]}`, {
      method: 'DELETE',
    })
    expect(removed.status).toBe(202)
    const expected = [...tags.filter((t) => t !== tags[1]), ...added].sort()
    expect(await allTags(registry.url, 700)).toEqual(expected)
    expect(await allTags(registry.url, 7)).toHaveLength(expected.length)
  })
})
