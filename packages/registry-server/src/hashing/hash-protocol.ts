import type { DigestAlgorithm } from '../digest.js'

/**
 * What the main thread asks a hash worker, in the order it must happen: a port delivers messages
 * in order, so a `digest` covers every `update` posted before it.
 */
export type HashRequest =
  | { op: 'start'; id: number; algorithm: DigestAlgorithm }
  /** The chunks' buffers are transferred: the worker owns them and frees them once hashed. */
  | { op: 'update'; id: number; chunks: Uint8Array<ArrayBuffer>[] }
  | { op: 'digest'; id: number }
  | { op: 'discard'; id: number }

/** What a hash worker answers: every `update` (for back-pressure) and every `digest`. */
export type HashReply =
  | { op: 'hashed'; id: number; bytes: number }
  | { op: 'digest'; id: number; hex: string }
  | { op: 'failed'; id: number; message: string }
