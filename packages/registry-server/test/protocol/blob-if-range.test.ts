import { describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { pushBlob } from '../support/push.js'

// HTTP's rule (docs/oci-distribution.md#conditional-requests): a Range sent with an If-Range whose validator is not the blob's current one
// (another ETag, a weak one, or a date: blobs carry no Last-Modified) must be ignored, and the
// whole blob sent; only the blob's own strong ETag lets the Range through.

const REPO = 'conditional/if-range'
const BYTES = Buffer.from('0123456789')

async function get(url: string, digest: string, headers: Record<string, string>) {
  const res = await fetch(`${url}/v2/${REPO}/blobs/${digest}`, { headers })
  return { status: res.status, body: await res.text(), range: res.headers.get('content-range') }
}

describe('a blob GET with If-Range', () => {
  it('end-2 its own ETag → 206 with the range', async () => {
    await using registry = await startLocalRegistry({ logLevel: 'silent' })
    const digest = await pushBlob(registry.url, REPO, BYTES)
    const res = await get(registry.url, digest, { range: 'bytes=2-4', 'if-range': `"${digest}"` })
    expect(res).toEqual({ status: 206, body: '234', range: 'bytes 2-4/10' })
  })

  it.each([
    ['another ETag', `"sha256:${'0'.repeat(64)}"`],
    ['its ETag made weak', 'weak'],
    ['a date', 'Wed, 21 Oct 2015 07:28:00 GMT'],
  ])('end-2 %s → 200 with the whole blob', async (_, validator) => {
    await using registry = await startLocalRegistry({ logLevel: 'silent' })
    const digest = await pushBlob(registry.url, REPO, BYTES)
    const ifRange = validator === 'weak' ? `W/"${digest}"` : validator
    const res = await get(registry.url, digest, { range: 'bytes=2-4', 'if-range': ifRange })
    expect(res).toEqual({ status: 200, body: BYTES.toString(), range: null })
  })
})
