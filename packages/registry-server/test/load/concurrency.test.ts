import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalRegistry, startLocalRegistry } from '../../src/index.js'
import { pushBlob, sha256 } from '../support/push.js'
import { checkStore } from '../support/store-check.js'

describe('concurrency: 32 simultaneous uploads', () => {
  let dir: string
  let registry: LocalRegistry
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'registry-concurrency-'))
    registry = await startLocalRegistry({ dataDir: dir })
  })
  afterAll(async () => {
    await registry.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('of the same blob all succeed and one copy is stored', async () => {
    const blob = randomBytes(3 * 1024 * 1024)
    const digests = await Promise.all(
      Array.from({ length: 32 }, (_, i) => pushBlob(registry.url, `same/repo${i % 4}`, blob)),
    )
    expect(new Set(digests)).toEqual(new Set([sha256(blob)]))
    const hex = sha256(blob).slice(7)
    expect(await readdir(join(dir, 'blobs', 'sha256', hex.slice(0, 2)))).toEqual([hex])
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${registry.url}/v2/same/repo${i}/blobs/${sha256(blob)}`)
      expect(Buffer.from(await res.arrayBuffer()).equals(blob)).toBe(true)
    }
    expect(await readdir(join(dir, 'uploads'))).toEqual([])
  }, 60_000)

  it('of distinct blobs all succeed with their own content', async () => {
    const blobs = Array.from({ length: 32 }, () =>
      randomBytes(1024 * 1024 + Math.floor(Math.random() * 4096)),
    )
    const digests = await Promise.all(blobs.map((b) => pushBlob(registry.url, 'distinct/repo', b)))
    expect(digests).toEqual(blobs.map(sha256))
    const pulled = await Promise.all(
      digests.map(async (d) =>
        Buffer.from(
          await (await fetch(`${registry.url}/v2/distinct/repo/blobs/${d}`)).arrayBuffer(),
        ),
      ),
    )
    for (const [i, bytes] of pulled.entries()) expect(bytes.equals(blobs[i] as Buffer)).toBe(true)
    expect((await checkStore(dir)).problems).toEqual([])
  }, 60_000)
})
