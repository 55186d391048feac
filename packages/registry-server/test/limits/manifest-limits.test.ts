import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import { jsonShapeExcess } from '../../src/json-shape.js'
import { errorCode, errorDetail, openRequest, type RawResponse, send } from './raw-http.js'

// A manifest is read whole into memory and parsed: its size is capped before it is read (4 MiB,
// as distribution) and its nesting before it is parsed (8 MiB of `[` once took ~200 MB of heap
// and blocked the event loop for half a second).

const MiB = 1024 * 1024
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const CONFIG = Buffer.from('{}')

let registry: LocalRegistry
let configDigest: string
beforeAll(async () => {
  registry = await startLocalRegistry({ logLevel: 'silent' })
  const { createHash } = await import('node:crypto')
  configDigest = `sha256:${createHash('sha256').update(CONFIG).digest('hex')}`
  const post = await send(
    registry.url,
    {
      method: 'POST',
      path: `/v2/limits/app/blobs/uploads/?digest=${configDigest}`,
      headers: { 'content-type': 'application/octet-stream' },
    },
    CONFIG,
  )
  expect(post.status, post.text).toBe(201)
})
afterAll(() => registry.close())

/** An image manifest with `extra` fields, as text. */
function manifest(extra: string): string {
  const config = `{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"${configDigest}","size":2}`
  return `{"schemaVersion":2,"mediaType":"${OCI_MANIFEST}","config":${config},"layers":[]${extra}}`
}

/** A manifest of exactly `size` bytes, padded with an annotation. */
function manifestOfSize(size: number): Buffer {
  const empty = manifest(',"annotations":{"pad":""}')
  return Buffer.from(manifest(`,"annotations":{"pad":"${'a'.repeat(size - empty.length)}"}`))
}

function putManifest(tag: string, body: Buffer | string): Promise<RawResponse> {
  return send(
    registry.url,
    {
      method: 'PUT',
      path: `/v2/limits/app/manifests/${tag}`,
      headers: { 'content-type': OCI_MANIFEST },
    },
    Buffer.from(body),
  )
}

describe('manifest size', () => {
  it('4 MiB is accepted, one byte more is 413', async () => {
    expect((await putManifest('at-limit', manifestOfSize(4 * MiB))).status).toBe(201)
    const over = await putManifest('over-limit', manifestOfSize(4 * MiB + 1))
    expect(over.status, over.text).toBe(413)
    expect(errorCode(over)).toBe('SIZE_INVALID')
  })

  it('the documents state the default this enforces', () => {
    // Both the package README and the OCI notes tell users the default; they once disagreed.
    for (const path of ['../../README.md', '../../../../docs/oci-distribution.md']) {
      const text = readFileSync(new URL(path, import.meta.url), 'utf8')
      const stated = [...text.matchAll(/`maxManifestBytes` \(default (\d+) MiB/g)].map((m) => m[1])
      expect(stated, path).toEqual(['4'])
    }
  })

  it('a Content-Length over the limit is refused before the body is sent', async () => {
    const request = openRequest(registry.url, {
      method: 'PUT',
      path: '/v2/limits/app/manifests/declared',
      headers: { 'content-type': OCI_MANIFEST, 'content-length': 5 * MiB },
    })
    request.request.write('{"schemaVersion":2,')
    const response = await request.response
    expect(response.status, response.text).toBe(413)
    expect(errorCode(response)).toBe('SIZE_INVALID')
    request.destroy()
  })

  it('a chunked body is refused as soon as it passes the limit, not at its end', async () => {
    const request = openRequest(registry.url, {
      method: 'PUT',
      path: '/v2/limits/app/manifests/streamed',
      headers: { 'content-type': OCI_MANIFEST, 'transfer-encoding': 'chunked' },
    })
    let answered = false
    let sentWhenAnswered = 0
    let sent = 0
    void request.response.then(() => {
      answered = true
      sentWhenAnswered = sent
    })
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    // Bounded at 64 MiB: a server that waited for the end would answer only then.
    // The client closes its connection once the answer is in: stop writing then too.
    const drained = () =>
      Promise.race([
        new Promise((resolve) => request.request.once('drain', resolve)),
        request.closed,
      ])
    while (!answered && sent < 64 * MiB) {
      const flowing = request.request.write(chunk)
      sent += chunk.length
      if (!flowing) await drained()
    }
    request.destroy()
    const response = await request.response
    expect(response.status, response.text).toBe(413)
    expect(sentWhenAnswered).toBeGreaterThan(0)
    expect(sentWhenAnswered).toBeLessThan(16 * MiB)
  })

  it('a client still sending when the 413 comes reads it, and the connection then closes', async () => {
    const request = openRequest(registry.url, {
      method: 'PUT',
      path: '/v2/limits/app/manifests/sent-on',
      headers: { 'content-type': OCI_MANIFEST, 'transfer-encoding': 'chunked' },
    })
    const failures: Error[] = []
    request.request.on('error', (error) => failures.push(error))
    // A client that writes its whole body before it looks for an answer, 20 MiB past the limit:
    // the server reads and drops the rest instead of resetting the connection under it.
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    for (let sent = 0; sent < 24 * MiB; sent += chunk.length) {
      if (!request.request.write(chunk))
        await Promise.race([
          new Promise((resolve) => request.request.once('drain', resolve)),
          request.closed,
        ])
    }
    request.request.end()
    const response = await request.response
    expect(response.status, response.text).toBe(413)
    expect(response.headers.connection).toBe('close')
    expect(errorCode(response)).toBe('SIZE_INVALID')
    expect(await request.closed).toBeLessThan(10_000)
    expect(failures).toEqual([])
  })
})

describe('manifest nesting', () => {
  const nested = (levels: number): string => `,"x":${'['.repeat(levels)}${']'.repeat(levels)}`

  it('64 levels are accepted, 65 are 400 MANIFEST_INVALID', async () => {
    // The manifest object is the first level.
    expect((await putManifest('depth-64', manifest(nested(63)))).status).toBe(201)
    const deep = await putManifest('depth-65', manifest(nested(64)))
    expect(deep.status, deep.text).toBe(400)
    expect(errorCode(deep)).toBe('MANIFEST_INVALID')
    expect(String(errorDetail(deep))).toMatch(/deeper than 64 levels/)
  })

  it('a body of nothing but [ is refused by its nesting, without being parsed', async () => {
    const started = performance.now()
    const brackets = await putManifest('brackets', '['.repeat(4 * MiB))
    expect(brackets.status, brackets.text).toBe(400)
    expect(String(errorDetail(brackets))).toMatch(/deeper than 64 levels/)
    // Generous: the point is the early refusal (the nesting-stream tests check it comes first).
    expect(performance.now() - started).toBeLessThan(10_000)
  })
})

describe('jsonShapeExcess', () => {
  const deeper = (text: string, maxDepth: number): boolean =>
    jsonShapeExcess(Buffer.from(text), { maxDepth, maxValues: 1000 }) === 'depth'
  const wider = (text: string, maxValues: number): boolean =>
    jsonShapeExcess(Buffer.from(text), { maxDepth: 64, maxValues }) === 'values'

  it('counts arrays and objects', () => {
    expect(deeper('{"a":[{"b":[]}]}', 4)).toBe(false)
    expect(deeper('{"a":[{"b":[]}]}', 3)).toBe(true)
    expect(deeper('[][][]', 1)).toBe(false)
  })

  it('skips brackets inside strings, escaped quotes included', () => {
    expect(deeper('{"a":"[[[[{{{{"}', 1)).toBe(false)
    expect(deeper('{"a":"\\"[[[[","b":"\\\\"}', 1)).toBe(false)
    expect(deeper('{"a":"\\\\",  "b":[[]]}', 2)).toBe(true)
  })

  it('reads UTF-8 text byte by byte without mistaking characters for brackets', () => {
    expect(deeper('{"é[":"😀{"}', 1)).toBe(false)
  })

  it('counts the values of every array and object together, at every level', () => {
    // 1 object + 2 commas, then 1 array + 2 commas: 6.
    expect(wider('{"a":1,"b":2,"c":[1,2,3]}', 6)).toBe(false)
    expect(wider('{"a":1,"b":2,"c":[1,2,3]}', 5)).toBe(true)
  })

  it('does not count commas inside strings', () => {
    expect(wider('{"a":",,,,,,,,,,","b":"\\",,,,"}', 3)).toBe(false)
  })
})
