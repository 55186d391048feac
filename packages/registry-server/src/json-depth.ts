const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d

/**
 * How deep JSON text nests arrays and objects, read a chunk at a time as a body arrives. It only
 * tracks strings and brackets, in a single pass: a manifest of nothing but `[` is refused at its
 * 65th byte, before the rest of it is read, kept or hashed, where parsing it would take hundreds
 * of megabytes and block the event loop. It validates nothing else; the bytes may still be
 * invalid JSON. UTF-8 is safe to scan byte by byte: no byte of a multi-byte character is a
 * quote, a backslash or a bracket.
 */
export class JsonDepthScanner {
  readonly #max: number
  #depth = 0
  #inString = false
  // A backslash ended the previous chunk: the first byte of the next one is escaped.
  #escaped = false
  #exceeded = false

  constructor(max: number) {
    this.#max = max
  }

  /** Scan the next bytes; true once the text so far nests deeper than `max` (and from then on). */
  exceeded(chunk: Uint8Array): boolean {
    if (this.#exceeded) return true
    let depth = this.#depth
    let inString = this.#inString
    let escaped = this.#escaped
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]
      if (escaped) {
        escaped = false
      } else if (inString) {
        if (byte === BACKSLASH) escaped = true
        else if (byte === QUOTE) inString = false
      } else if (byte === QUOTE) {
        inString = true
      } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
        depth++
        if (depth > this.#max) {
          this.#exceeded = true
          return true
        }
      } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
        depth--
      }
    }
    this.#depth = depth
    this.#inString = inString
    this.#escaped = escaped
    return false
  }
}

/** Whether JSON text nests arrays and objects more than `max` levels deep (see {@link JsonDepthScanner}). */
export function nestsDeeperThan(bytes: Uint8Array, max: number): boolean {
  return new JsonDepthScanner(max).exceeded(bytes)
}
