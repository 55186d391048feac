// The hashing thread of a HashPool (see hash-pool.ts): it keeps one incremental hash per upload
// and feeds it each write the main thread reports, read back from the upload's file. It imports
// nothing of the package, so it runs as it is from the build and, type-stripped, from the sources.
import { createHash, type Hash } from 'node:crypto'
import { closeSync, openSync, readSync } from 'node:fs'
import { parentPort } from 'node:worker_threads'
import type { HashReply, HashRequest } from './hash-protocol.js'

// One read buffer for every hash of the thread, reused: the bytes come from the page cache (they
// were written a moment ago) into memory that stays in the CPU's caches.
const READ_BYTES = 1024 * 1024
const buffer = Buffer.allocUnsafeSlow(READ_BYTES)

interface RunningHash {
  hash: Hash
  /** The file offset the next write must start at: writes are hashed back to back. */
  next: number
  /** Why the hash can no longer be right; its digest is refused with this. */
  broken?: string
}

const hashes = new Map<number, RunningHash>()
const port = parentPort
if (port === null) throw new Error('hash-worker.ts runs as a worker thread of a HashPool')

port.on('message', (request: HashRequest) => {
  const reply = answer(request)
  if (reply !== undefined) port.postMessage(reply)
})

function answer(request: HashRequest): HashReply | undefined {
  switch (request.op) {
    case 'start':
      hashes.set(request.id, { hash: createHash(request.algorithm), next: 0 })
      return undefined
    case 'update': {
      const running = hashes.get(request.id)
      if (running !== undefined && running.broken === undefined) hashRange(running, request)
      return { op: 'hashed', id: request.id, bytes: request.to - request.from }
    }
    case 'digest': {
      const running = hashes.get(request.id)
      hashes.delete(request.id)
      if (running === undefined) return { op: 'failed', id: request.id, message: 'unknown hash' }
      if (running.broken !== undefined)
        return { op: 'failed', id: request.id, message: running.broken }
      return { op: 'digest', id: request.id, hex: running.hash.digest('hex') }
    }
    case 'discard':
      hashes.delete(request.id)
      return undefined
  }
}

/**
 * Hash the range from the file. The file is opened for each write rather than kept open: an
 * upload may sit idle for hours between chunks, and it holds no descriptor meanwhile.
 */
function hashRange(running: RunningHash, range: { path: string; from: number; to: number }): void {
  if (range.from !== running.next) {
    running.broken = `write at ${range.from} does not follow the hashed ${running.next} bytes`
    return
  }
  let fd: number | undefined
  try {
    fd = openSync(range.path, 'r')
    for (let position = range.from; position < range.to; ) {
      const read = readSync(fd, buffer, 0, Math.min(READ_BYTES, range.to - position), position)
      // Shorter than written: the upload was cut back or deleted meanwhile (it is being dropped).
      if (read === 0) throw new Error(`the file ended at ${position} of ${range.to} bytes`)
      running.hash.update(buffer.subarray(0, read))
      position += read
    }
    running.next = range.to
  } catch (error) {
    running.broken = `reading the upload failed: ${(error as Error).message}`
  } finally {
    // A failed close must not end the thread, and the other uploads' hashes with it.
    if (fd !== undefined) closeQuietly(fd)
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd)
  } catch {
    // The bytes were read already; nothing of the hash depends on the close.
  }
}
