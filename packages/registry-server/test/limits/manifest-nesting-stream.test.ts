import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import { JsonDepthScanner } from '../../src/json-depth.js'
import { errorCode, errorDetail, openRequest, sleep } from './raw-http.js'

// A manifest's nesting is checked as its body arrives: 32 clients each sending 4 MiB of `[`
// once had the registry buffer, hash and scan 128 MiB, and other clients waited up to a second.

const MiB = 1024 * 1024
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'

let registry: LocalRegistry
beforeAll(async () => {
  registry = await startLocalRegistry({ logLevel: 'silent' })
})
afterAll(() => registry.close())

describe('manifest nesting, checked as the body arrives', () => {
  it('a body of [ is refused with its first chunk, before the rest is sent', async () => {
    const request = openRequest(registry.url, {
      method: 'PUT',
      path: '/v2/nesting/app/manifests/deep',
      headers: { 'content-type': OCI_MANIFEST, 'content-length': 4 * MiB - 2 },
    })
    request.request.write('['.repeat(64 * 1024))
    // The rest of the body never comes: an answer now is one given before the body was read.
    const response = await Promise.race([request.response, sleep(5000).then(() => undefined)])
    request.destroy()
    expect(response?.status, response?.text).toBe(400)
    if (response === undefined) return
    expect(errorCode(response)).toBe('MANIFEST_INVALID')
    expect(String(errorDetail(response))).toMatch(/deeper than 64 levels/)
  })

  it('a body that nests 64 levels and stalls is not refused for its nesting', async () => {
    const request = openRequest(registry.url, {
      method: 'PUT',
      path: '/v2/nesting/app/manifests/shallow',
      headers: { 'content-type': OCI_MANIFEST, 'content-length': 1 * MiB },
    })
    request.request.write(`{"a":${'['.repeat(63)}`)
    const response = await Promise.race([request.response, sleep(1000).then(() => undefined)])
    request.destroy()
    expect(response).toBeUndefined()
  })
})

describe('JsonDepthScanner', () => {
  const scan = (max: number, ...chunks: string[]): boolean[] => {
    const scanner = new JsonDepthScanner(max)
    return chunks.map((chunk) => scanner.exceeded(Buffer.from(chunk)))
  }

  it('carries the depth from one chunk to the next', () => {
    expect(scan(3, '{"a":[', '[', '[')).toEqual([false, false, true])
    expect(scan(3, '[[]', ']', '[[[]]]')).toEqual([false, false, false])
  })

  it('carries a string, and an escape that ends a chunk, to the next chunk', () => {
    expect(scan(1, '{"a":"[[', '[["}')).toEqual([false, false])
    expect(scan(1, '{"a":"\\', '"[[', '"}')).toEqual([false, false, false])
    expect(scan(1, '{"a":"\\\\', '"', ',"b":[]}')).toEqual([false, false, true])
  })

  it('stays exceeded once it was', () => {
    expect(scan(1, '[[', ']]')).toEqual([true, true])
  })
})
