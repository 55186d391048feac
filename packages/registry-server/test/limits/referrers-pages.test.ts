import { describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { pushBlob, sha256 } from '../support/push.js'

// The referrers API lists every manifest whose subject is a digest, with its annotations, which a
// pusher may make nearly as large as a manifest (4 MiB). Listed in one answer, 20 such referrers
// took one request to 478 MB resident; a page now holds at most 4 MiB, and `Link` leads on.

const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json'
const REPO = 'stacked/app'
const PAGE_BYTES = 4 * 1024 * 1024

interface Index {
  manifests: { digest: string; artifactType?: string; annotations?: Record<string, string> }[]
}

async function putManifest(url: string, body: Buffer): Promise<string> {
  const digest = sha256(body)
  const res = await fetch(`${url}/v2/${REPO}/manifests/${digest}`, {
    method: 'PUT',
    body,
    headers: { 'content-type': MANIFEST_TYPE },
  })
  expect(res.status, await res.text()).toBe(201)
  return digest
}

function manifest(
  config: { digest: string; size: number },
  extra: Record<string, unknown> = {},
): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST_TYPE,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', ...config },
      layers: [],
      ...extra,
    }),
  )
}

describe('referrers of one subject', () => {
  it('are listed in pages of at most 4 MiB, each linking to the next', async () => {
    await using registry = await startLocalRegistry({ logLevel: 'silent' })
    const config = { digest: await pushBlob(registry.url, REPO, Buffer.from('{}')), size: 2 }
    const plain = manifest(config)
    const subject = { mediaType: MANIFEST_TYPE, digest: await putManifest(registry.url, plain) }
    const pushed = new Set<string>()
    for (let i = 0; i < 3; i++) {
      const notes = `${i}`.repeat(1536 * 1024)
      const body = manifest(config, {
        artifactType: 'application/vnd.example.large',
        subject: { ...subject, size: plain.byteLength },
        annotations: { 'org.example.notes': notes },
      })
      pushed.add(await putManifest(registry.url, body))
    }
    const small = new Set<string>()
    for (let i = 0; i < 2; i++) {
      const body = manifest(config, {
        artifactType: 'application/vnd.example.small',
        subject: { ...subject, size: plain.byteLength },
        annotations: { 'org.opencontainers.image.title': `small ${i}` },
      })
      small.add(await putManifest(registry.url, body))
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
})
