import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'

let dataDir: string
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'registry-close-'))
})
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

describe('close()', () => {
  it('waits for a request still being handled: what it changes is on disk before close returns', async () => {
    // Cancels are held at authorization until the test lets them through.
    let arrived: () => void = () => {}
    const atGate = new Promise<void>((resolve) => (arrived = resolve))
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    await using registry = await startLocalRegistry({
      dataDir,
      port: 0,
      logLevel: 'silent',
      authorize: async ({ request }) => {
        if (request.method === 'DELETE') {
          arrived()
          await gate
        }
        return { ok: true, subject: 'tester' }
      },
    })
    const started = await fetch(`${registry.url}/v2/close/app/blobs/uploads/`, { method: 'POST' })
    expect(started.status).toBe(202)
    const uploads = join(dataDir, 'uploads')
    expect(await readdir(uploads)).toHaveLength(1)
    const location = new URL(started.headers.get('location') ?? '', registry.url)
    const cancel = fetch(location, { method: 'DELETE' }).catch(() => undefined)
    await atGate

    let closed = false
    const closing = registry.close().then(() => {
      closed = true
    })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(closed).toBe(false)
    release()
    await closing
    // The cancel ran to its end before the registry let go of its data directory.
    expect(await readdir(uploads)).toEqual([])
    await cancel
  })
})
