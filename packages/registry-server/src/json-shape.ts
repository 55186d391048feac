const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d

/** The bounds a JSON text must stay within. */
export interface JsonShapeLimits {
  /** Deepest nesting of arrays and objects. */
  readonly maxDepth: number
  /** Most elements of all arrays and members of all objects together. */
  readonly maxValues: number
}

/** Which bound a JSON text broke. */
export type JsonShapeExcess = 'depth' | 'values'

/**
 * How deep JSON text nests arrays and objects, and how many values its arrays and objects hold,
 * read a chunk at a time as a body arrives. It only tracks strings, brackets and commas, in a
 * single pass, so a hostile body is refused early, before the rest of it is read, kept or hashed:
 * a manifest of nothing but `[` at its 65th byte, one flat array of four million small numbers
 * after a few hundred kilobytes. Parsing either would block the event loop (the deep one for
 * seconds and hundreds of megabytes; the wide one for tens of milliseconds per request, which a
 * few dozen concurrent clients turn into seconds for everyone). It validates nothing else: the
 * bytes may still be invalid JSON. UTF-8 is safe to scan byte by byte: no byte of a multi-byte
 * character is a quote, a backslash, a comma or a bracket.
 */
export class JsonShapeScanner {
  readonly #limits: JsonShapeLimits
  #depth = 0
  // Commas outside strings, plus one per container opened: at least the number of values.
  #values = 0
  #inString = false
  // A backslash ended the previous chunk: the first byte of the next one is escaped.
  #escaped = false
  #excess: JsonShapeExcess | undefined

  constructor(limits: JsonShapeLimits) {
    this.#limits = limits
  }

  /** Scan the next bytes; the bound broken by the text so far (and from then on), if any. */
  excess(chunk: Uint8Array): JsonShapeExcess | undefined {
    if (this.#excess !== undefined) return this.#excess
    const { maxDepth, maxValues } = this.#limits
    let depth = this.#depth
    let values = this.#values
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
      } else if (byte === COMMA) {
        if (++values > maxValues) return this.#exceed('values')
      } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
        if (++depth > maxDepth) return this.#exceed('depth')
        if (++values > maxValues) return this.#exceed('values')
      } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
        depth--
      }
    }
    this.#depth = depth
    this.#values = values
    this.#inString = inString
    this.#escaped = escaped
    return undefined
  }

  #exceed(excess: JsonShapeExcess): JsonShapeExcess {
    this.#excess = excess
    return excess
  }
}

/** The bound of `limits` that JSON text breaks, if any (see {@link JsonShapeScanner}). */
export function jsonShapeExcess(
  bytes: Uint8Array,
  limits: JsonShapeLimits,
): JsonShapeExcess | undefined {
  return new JsonShapeScanner(limits).excess(bytes)
}
