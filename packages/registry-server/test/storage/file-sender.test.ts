import { randomBytes } from 'node:crypto'
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ByteRange } from '../../src/storage/blob-store.js'
import { sendFile as sendOpenFile } from '../../src/storage/file-sender.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-sender-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A destination that keeps what it is sent, taking each chunk at once. */
function collector(): { destination: Writable; received: () => Buffer } {
  const chunks: Buffer[] = []
  const destination = new Writable({
    highWaterMark: 64 * 1024 * 1024,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk))
      done()
    },
  })
  return { destination, received: () => Buffer.concat(chunks) }
}

/** Open `path`, send it (or `range` of it) to `destination`, close it. */
async function sendFile(path: string, destination: Writable, range?: ByteRange): Promise<void> {
  const file = await open(path, 'r')
  try {
    await sendOpenFile(file, (await file.stat()).size, destination, range)
  } finally {
    await file.close()
  }
}

describe('sendFile', () => {
  it('sends a whole file of several reads, and a range of it', async () => {
    const path = join(dir, 'blob')
    const bytes = randomBytes(5 * 512 * 1024 + 777)
    await writeFile(path, bytes)
    const whole = collector()
    await sendFile(path, whole.destination)
    expect(whole.received().equals(bytes)).toBe(true)
    const part = collector()
    await sendFile(path, part.destination, { start: 1000, end: 2 * 512 * 1024 + 5 })
    expect(part.received().equals(bytes.subarray(1000, 2 * 512 * 1024 + 6))).toBe(true)
  })

  it('stops with an error, instead of waiting forever, when the client goes away during a read', async () => {
    const path = join(dir, 'blob')
    await writeFile(path, randomBytes(8 * 512 * 1024))
    let writes = 0
    const destination = new Writable({
      highWaterMark: 64 * 1024 * 1024,
      write(_chunk, _encoding, done) {
        writes += 1
        // The client goes away while the next read is under way: the next write finds the
        // destination destroyed, and its 'close' has already been emitted.
        if (writes === 1) setImmediate(() => destination.destroy())
        done()
      },
    })
    destination.on('error', () => {})
    await expect(sendFile(path, destination)).rejects.toThrow(/went away/)
    expect(writes).toBeLessThan(8)
  })
})
