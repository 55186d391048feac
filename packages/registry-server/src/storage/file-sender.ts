import type { FileHandle } from 'node:fs/promises'
import type { Writable } from 'node:stream'
import type { ByteRange } from './blob-store.js'
import { BufferPool } from './buffer-pool.js'
import { drainedOrClosed } from './drained-or-closed.js'

// 512 KiB writes cost the server about 40% less CPU per byte than 256 KiB ones on loopback
// (measured: 0.22 vs 0.37 CPU-s per 512 MiB pull); larger ones gain nothing more. Buffers are
// allocated as needed and no larger than what is sent: a small blob (a config, most of what a
// pull asks for) gets one of its own size. To a socket, a 512 KiB write always waits for a drain,
// by which time its buffer is free again, so one buffer is used; the pool allows a few more for a
// destination that takes writes at once.
/** The largest piece a blob is sent in, from a file or from memory. */
export const SEND_PIECE_BYTES: number = 512 * 1024
const POOL_SIZE = 4

/**
 * Send an open file of `size` bytes (or a range of it) to a writable, reading into a small pool
 * of reused buffers; the caller closes the file. A fresh buffer per chunk (what a read stream
 * does) costs page faults and allocator churn that dominate a large pull; a buffer is reused only
 * after the destination has written it out. An open file stays readable once deleted (POSIX):
 * a blob opened before its answer's headers is sent whole, whatever deletes it meanwhile.
 */
export async function sendFile(
  file: FileHandle,
  size: number,
  destination: Writable,
  range?: ByteRange,
): Promise<void> {
  const end = range ? range.end + 1 : size
  let position = range?.start ?? 0
  const bufferSize = Math.min(SEND_PIECE_BYTES, end - position)
  const buffers = new BufferPool(bufferSize, POOL_SIZE)
  while (position < end) {
    if (destination.destroyed) throw new Error('the client went away')
    const buffer = await buffers.take()
    const { bytesRead } = await file.read(buffer, 0, Math.min(bufferSize, end - position), position)
    // Checked again after the read: a client gone meanwhile has already emitted 'close', so a
    // write refused now would wait for a drain or a close that never comes.
    if (destination.destroyed) throw new Error('the client went away')
    if (bytesRead === 0) throw new Error('the file ended early')
    position += bytesRead
    const flushed = destination.write(buffer.subarray(0, bytesRead), () => buffers.release(buffer))
    if (!flushed) await drainedOrClosed(destination)
  }
}
