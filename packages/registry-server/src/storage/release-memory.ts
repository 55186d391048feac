/**
 * Gives a chunk's memory back at once, when the chunk is the only view of its `ArrayBuffer`:
 * detaching the buffer (`transfer(0)`) frees its backing store immediately, and the chunk reads
 * as empty from then on. Returns whether it did.
 *
 * Why: an HTTP request body arrives as one freshly allocated ~64 KiB buffer per socket read.
 * Left to the garbage collector, a 512 MiB upload leaves 512 MiB of such buffers behind, V8
 * starts a full collection for every 64 MiB of them, and the allocator keeps mapping new pages.
 * Freed as soon as they are on disk, the same few megabytes are reused all along: this cut the
 * server's CPU time for a 512 MiB push by more than half.
 *
 * Only the owner of a chunk may call this. Chunks that share their buffer (slices, Node's pool
 * of small buffers) are left alone, as are buffers that refuse to be detached.
 */
export function releaseMemory(chunk: Uint8Array): boolean {
  if (!isWholeBuffer(chunk) || chunk.buffer.detached) return false
  try {
    chunk.buffer.transfer(0)
    return true
  } catch {
    // A buffer with a detach key (WebAssembly memory, some embedder buffers) stays as it is.
    return false
  }
}

// Whether `chunk` is the only view of its (non-shared) `ArrayBuffer`, spanning all of it: then
// whoever owns the chunk may detach the buffer without touching anyone else's bytes.
function isWholeBuffer(chunk: Uint8Array): chunk is Uint8Array<ArrayBuffer> {
  const { buffer } = chunk
  return (
    buffer instanceof ArrayBuffer &&
    chunk.byteOffset === 0 &&
    chunk.byteLength === buffer.byteLength
  )
}
