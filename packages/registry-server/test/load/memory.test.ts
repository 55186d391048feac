import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startRegistryProcess } from '../support/command.js'

const MiB = 1024 * 1024
const SIZE = 2048 * MiB
const LIMIT = 200 * 1000 * 1000

/** 2 GiB of deterministic data, 1 MiB at a time, never held whole. */
function* chunks(): Generator<Uint8Array> {
  const block = Buffer.alloc(MiB)
  for (let i = 0; i < SIZE / MiB; i++) {
    // Vary every block so no layer of the stack can deduplicate or compress it away.
    createHash('sha512')
      .update(String(i))
      .digest()
      .copy(block, (i * 64) % (MiB - 64))
    block.writeUInt32BE(i, 0)
    yield block
  }
}

describe('memory: blobs stream end to end', () => {
  it('pushing and pulling a 2 GiB blob keeps peak RSS under 200 MB', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'registry-memory-'))
    try {
      await using registry = await startRegistryProcess(dir)
      const auth = { authorization: registry.authorization }
      const hash = createHash('sha256')
      const body = new ReadableStream<Uint8Array>({
        start() {},
        pull(controller) {
          const next = generator.next()
          if (next.done) controller.close()
          else {
            hash.update(next.value)
            controller.enqueue(new Uint8Array(next.value))
          }
        },
      })
      const generator = chunks()
      const start = await fetch(`${registry.url}/v2/mem/big/blobs/uploads/`, {
        method: 'POST',
        headers: auth,
      })
      const location = new URL(start.headers.get('location') ?? '', registry.url)
      const patch = await fetch(location, {
        method: 'PATCH',
        body,
        headers: auth,
        duplex: 'half',
      } as RequestInit)
      expect(patch.status).toBe(202)
      const digest = `sha256:${hash.digest('hex')}`
      const finish = new URL(patch.headers.get('location') ?? '', registry.url)
      finish.searchParams.set('digest', digest)
      expect((await fetch(finish, { method: 'PUT', headers: auth })).status).toBe(201)

      const pull = await fetch(`${registry.url}/v2/mem/big/blobs/${digest}`, { headers: auth })
      expect(pull.headers.get('content-length')).toBe(String(SIZE))
      const check = createHash('sha256')
      let received = 0
      for await (const chunk of pull.body as unknown as AsyncIterable<Uint8Array>) {
        check.update(chunk)
        received += chunk.byteLength
      }
      expect(received).toBe(SIZE)
      expect(`sha256:${check.digest('hex')}`).toBe(digest)
      const peak = await registry.peakRss()
      console.log(`registry peak RSS after 2 GiB push + pull: ${(peak / 1e6).toFixed(1)} MB`)
      expect(peak).toBeLessThan(LIMIT)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 300_000)
})
