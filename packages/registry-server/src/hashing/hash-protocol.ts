import type { DigestAlgorithm } from '../digest.js'

/**
 * What the main thread asks a hash worker, in the order it must happen: a port delivers messages
 * in order, so a `digest` covers every `update` posted before it.
 */
export type HashRequest =
  | { op: 'start'; id: number; algorithm: DigestAlgorithm }
  /** Hash the bytes `[from, to)` of the file at `path` next (the upload's next write). */
  | { op: 'update'; id: number; path: string; from: number; to: number }
  | { op: 'digest'; id: number }
  | { op: 'discard'; id: number }

/** What a hash worker answers: every `update` (for back-pressure) and every `digest`. */
export type HashReply =
  | { op: 'hashed'; id: number; bytes: number }
  | { op: 'digest'; id: number; hex: string }
  | { op: 'failed'; id: number; message: string }
