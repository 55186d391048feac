import { describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { EMPTY_JSON_CONTENT, imageManifest } from '../support/content.js'
import { pushBlob } from '../support/push.js'

// HTTP compares `If-None-Match` weakly (docs/oci-distribution.md#conditional-requests), so `W/"<digest>"` names the same manifest
// as `"<digest>"` (a proxy that compresses answers, nginx's gzip among them, hands clients the
// weak form of our ETag). `If-Match` is compared strongly: a weak entry matches nothing.

const REPO = 'conditional/weak'

async function pushTagged(url: string, tag: string, note: string): Promise<string> {
  const manifest = imageManifest(EMPTY_JSON_CONTENT.descriptor, [], { annotations: { note } })
  const res = await put(url, tag, manifest.bytes, {})
  expect(res.status, await res.text()).toBe(201)
  return manifest.descriptor.digest
}

function put(
  url: string,
  tag: string,
  body: Uint8Array,
  condition: Record<string, string>,
): Promise<Response> {
  return fetch(`${url}/v2/${REPO}/manifests/${tag}`, {
    method: 'PUT',
    body,
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json', ...condition },
  })
}

async function tagged(url: string, tag: string): Promise<string | null> {
  const res = await fetch(`${url}/v2/${REPO}/manifests/${tag}`, { method: 'HEAD' })
  return res.headers.get('docker-content-digest')
}

describe('a conditional manifest PUT given weak entity tags', () => {
  it('end-7a If-None-Match: W/"<current digest>" → 412 and the tag stays', async () => {
    await using registry = await startLocalRegistry({ logLevel: 'silent' })
    await pushBlob(registry.url, REPO, EMPTY_JSON_CONTENT.bytes)
    const current = await pushTagged(registry.url, 'latest', 'first')
    const next = imageManifest(EMPTY_JSON_CONTENT.descriptor, [], { annotations: { note: 'next' } })

    const res = await put(registry.url, 'latest', next.bytes, { 'if-none-match': `W/"${current}"` })
    expect(res.status, await res.text()).toBe(412)
    expect(await tagged(registry.url, 'latest')).toBe(current)
  })

  it('end-7a If-Match: W/"<current digest>" → 412 (compared strongly) and the tag stays', async () => {
    await using registry = await startLocalRegistry({ logLevel: 'silent' })
    await pushBlob(registry.url, REPO, EMPTY_JSON_CONTENT.bytes)
    const current = await pushTagged(registry.url, 'stable', 'first')
    const next = imageManifest(EMPTY_JSON_CONTENT.descriptor, [], { annotations: { note: 'next' } })

    const res = await put(registry.url, 'stable', next.bytes, { 'if-match': `W/"${current}"` })
    expect(res.status, await res.text()).toBe(412)
    expect(await tagged(registry.url, 'stable')).toBe(current)
  })
})
