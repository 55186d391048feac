import { afterEach, describe, expect, it, vi } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { EMPTY_JSON_CONTENT, imageManifest } from '../support/content.js'
import { pushBlob } from '../support/push.js'

// A manifest PUT by digest may name many tags (`?tag=` again and again), and its `If-Match` or
// `If-None-Match` header may list many entity tags. Read again for every tag, the header cost
// tags × entries: about 1,300 tags and 8,000 empty entries, 16 KiB of request, held the main thread,
// and every other client, for half a second or more, and the check runs before the body is parsed,
// so an empty body would do. The header is read once per check.

const REPO = 'conditional/many-tags'
const TAGS = 600
const ENTRIES = 1000

afterEach(() => {
  vi.restoreAllMocks()
})

describe('a conditional manifest PUT naming many tags', () => {
  it('reads its precondition header once, not once per tag', async () => {
    await using registry = await startLocalRegistry({ logLevel: 'silent' })
    await pushBlob(registry.url, REPO, EMPTY_JSON_CONTENT.bytes)
    const body = imageManifest(EMPTY_JSON_CONTENT.descriptor, [])
    const { digest, mediaType } = body.descriptor
    const query = Array.from({ length: TAGS }, (_, i) => `tag=t${i}`).join('&')
    // Entity tags that match none of the tags (none exists yet): every entry is looked at.
    const ifNoneMatch = Array.from({ length: ENTRIES }, (_, i) => `"${i}"`).join(',')

    const split = vi.spyOn(String.prototype, 'split')
    const res = await fetch(`${registry.url}/v2/${REPO}/manifests/${digest}?${query}`, {
      method: 'PUT',
      body: body.bytes,
      headers: { 'content-type': mediaType, 'if-none-match': ifNoneMatch },
    })
    const headerReads = split.mock.contexts.filter((c) => String(c) === ifNoneMatch).length
    split.mockRestore()
    expect(res.status, await res.text()).toBe(201)
    // Checked twice: as the request arrives, and again at the write, under the repository's lock.
    expect(headerReads).toBeLessThanOrEqual(2)

    // Still a precondition: a tag that exists now matches `*`, and the push is refused.
    const again = await fetch(`${registry.url}/v2/${REPO}/manifests/${digest}?${query}`, {
      method: 'PUT',
      body: body.bytes,
      headers: { 'content-type': mediaType, 'if-none-match': `${ifNoneMatch}, *` },
    })
    expect(again.status).toBe(412)
    const matching = await fetch(`${registry.url}/v2/${REPO}/manifests/${digest}?${query}`, {
      method: 'PUT',
      body: body.bytes,
      headers: { 'content-type': mediaType, 'if-match': `${ifNoneMatch}, "${digest}"` },
    })
    expect(matching.status).toBe(201)
  })
})
