import { describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { type Content, EMPTY_JSON_CONTENT, imageManifest } from '../support/content.js'
import { pushBlob } from '../support/push.js'

// The referrers API lists every manifest whose subject is a digest, with its annotations, which a
// pusher may make nearly as large as a manifest (4 MiB). Listed in one answer, 20 such referrers
// took one request to 478 MB resident; a page now holds at most 4 MiB, and `Link` leads on.

const REPO = 'stacked/app'
const PAGE_BYTES = 4 * 1024 * 1024

interface Index {
  manifests: { digest: string; artifactType?: string; annotations?: Record<string, string> }[]
}

async function putManifest(url: string, manifest: Content): Promise<string> {
  const { digest, mediaType } = manifest.descriptor
  const res = await fetch(`${url}/v2/${REPO}/manifests/${digest}`, {
    method: 'PUT',
    body: manifest.bytes,
    headers: { 'content-type': mediaType },
  })
  expect(res.status, await res.text()).toBe(201)
  return digest
}

describe('referrers of one subject', () => {
  it('are listed in pages of at most 4 MiB, each linking to the next', async () => {
    await using registry = await startLocalRegistry({ logLevel: 'silent' })
    const config = EMPTY_JSON_CONTENT.descriptor
    await pushBlob(registry.url, REPO, EMPTY_JSON_CONTENT.bytes)
    const plain = imageManifest(config, [])
    await putManifest(registry.url, plain)
    const subject = plain.descriptor
    const pushed = new Set<string>()
    for (let i = 0; i < 3; i++) {
      const notes = `${i}`.repeat(1536 * 1024)
      const large = imageManifest(config, [], {
        artifactType: 'application/vnd.example.large',
        subject,
        annotations: { 'org.example.notes': notes },
      })
      pushed.add(await putManifest(registry.url, large))
    }
    const small = new Set<string>()
    for (let i = 0; i < 2; i++) {
      const referrer = imageManifest(config, [], {
        artifactType: 'application/vnd.example.small',
        subject,
        annotations: { 'org.opencontainers.image.title': `small ${i}` },
      })
      small.add(await putManifest(registry.url, referrer))
    }

    const listed: string[] = []
    let next: string | undefined = `/v2/${REPO}/referrers/${subject.digest}`
    let pages = 0
    while (next !== undefined) {
      const res = await fetch(new URL(next, registry.url))
      expect(res.status).toBe(200)
      const text = await res.text()
      expect(text.length).toBeLessThan(PAGE_BYTES + 1024)
      listed.push(...(JSON.parse(text) as Index).manifests.map((m) => m.digest))
      next = res.headers.get('link')?.match(/^<([^>]+)>; rel="next"$/)?.[1]
      pages += 1
    }
    expect(pages).toBeGreaterThan(1)
    expect(listed).toEqual([...pushed, ...small].sort())

    // The filter holds on every page, and says so.
    const filtered = await fetch(
      `${registry.url}/v2/${REPO}/referrers/${subject.digest}?artifactType=application/vnd.example.small`,
    )
    expect(filtered.headers.get('oci-filters-applied')).toBe('artifactType')
    expect(filtered.headers.get('link')).toBeNull()
    const index = (await filtered.json()) as Index
    expect(new Set(index.manifests.map((m) => m.digest))).toEqual(small)

    expect((await fetch(`${registry.url}/v2/`)).status).toBe(200)
  })

  it('count a page in bytes, so annotations of multi-byte characters do not make it larger', async () => {
    await using registry = await startLocalRegistry({ logLevel: 'silent' })
    const config = EMPTY_JSON_CONTENT.descriptor
    await pushBlob(registry.url, REPO, EMPTY_JSON_CONTENT.bytes)
    const plain = imageManifest(config, [], { annotations: { 'org.example.kind': 'subject' } })
    await putManifest(registry.url, plain)
    const subject = plain.descriptor
    const pushed = new Set<string>()
    // Annotations small enough to be kept in the record (16 KiB of JSON, counted in characters),
    // each character three bytes of UTF-8: 48 KB of JSON per referrer, 14 MB in all.
    for (let i = 0; i < 300; i++) {
      const referrer = imageManifest(config, [], {
        artifactType: 'application/vnd.example.euro',
        subject,
        annotations: { 'org.example.notes': `${i} ${'€'.repeat(16_000)}` },
      })
      pushed.add(await putManifest(registry.url, referrer))
    }
    const listed: string[] = []
    let next: string | undefined = `/v2/${REPO}/referrers/${subject.digest}`
    while (next !== undefined) {
      const res = await fetch(new URL(next, registry.url))
      expect(res.status).toBe(200)
      const body = Buffer.from(await res.arrayBuffer())
      const index = JSON.parse(body.toString('utf8')) as Index
      expect(body.byteLength).toBeLessThan(PAGE_BYTES + 1024)
      listed.push(...index.manifests.map((m) => m.digest))
      next = res.headers.get('link')?.match(/^<([^>]+)>; rel="next"$/)?.[1]
    }
    expect(listed).toEqual([...pushed].sort())
  })
})
