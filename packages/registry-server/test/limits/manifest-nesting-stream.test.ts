import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import { JsonShapeScanner } from '../../src/json-shape.js'
import { MAX_MANIFEST_VALUES } from '../../src/manifest.js'
import { errorCode, errorDetail, openRequest, sleep } from './raw-http.js'

// A manifest's nesting and width are checked as its body arrives: 32 clients each sending 4 MiB
// of `[` once had the registry buffer, hash and scan 128 MiB, and other clients waited up to a
// second; 32 clients each sending one flat array of two million numbers held them for seconds.

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

describe('manifest width, checked as the body arrives', () => {
  it('a flat array of small numbers is refused once it holds too many, before the rest is sent', async () => {
    const request = openRequest(registry.url, {
      method: 'PUT',
      path: '/v2/nesting/app/manifests/wide',
      headers: { 'content-type': OCI_MANIFEST, 'content-length': 4 * MiB },
    })
    request.request.write(`{"a":[${'0,'.repeat(MAX_MANIFEST_VALUES + 1)}`)
    const response = await Promise.race([request.response, sleep(5000).then(() => undefined)])
    request.destroy()
    expect(response?.status, response?.text).toBe(400)
    if (response === undefined) return
    expect(errorCode(response)).toBe('MANIFEST_INVALID')
    expect(String(errorDetail(response))).toMatch(/more than 100000 values/)
  })

  it('an index of a thousand platform manifests is accepted', async () => {
    const child = {
      mediaType: OCI_MANIFEST,
      digest: `sha256:${'a'.repeat(64)}`,
      size: 1,
      platform: { architecture: 'amd64', os: 'linux', 'os.features': ['x'], variant: 'v1' },
      annotations: { 'org.example.one': '1', 'org.example.two': '2' },
    }
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: Array.from({ length: 1000 }, () => child),
    })
    const response = await fetch(`${registry.url}/v2/nesting/app/manifests/big-index`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
      body,
    })
    // Refused, if at all, because the children are absent: never for its shape.
    const text = await response.text()
    expect(text).not.toMatch(/values in its arrays|deeper than/)
  })
})

describe('JsonShapeScanner', () => {
  const scan = (maxDepth: number, ...chunks: string[]): boolean[] => {
    const scanner = new JsonShapeScanner({ maxDepth, maxValues: 1000 })
    return chunks.map((chunk) => scanner.excess(Buffer.from(chunk)) !== undefined)
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

  it('carries the count of values from one chunk to the next', () => {
    // [ and two commas make 3, within the bound; the third comma makes 4.
    const scanner = new JsonShapeScanner({ maxDepth: 64, maxValues: 3 })
    const excess = ['[1,', '2,', '3', ',4]'].map((chunk) => scanner.excess(Buffer.from(chunk)))
    expect(excess).toEqual([undefined, undefined, undefined, 'values'])
  })
})
