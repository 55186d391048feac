const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d

/**
 * Whether JSON text nests arrays and objects more than `max` levels deep. A single pass over the
 * bytes that only tracks strings and brackets: run before `JSON.parse`, it refuses a body of
 * nothing but `[` at once, where parsing it would take hundreds of megabytes and block the event
 * loop. It does not validate anything else; the bytes may still be invalid JSON. UTF-8 is safe to
 * scan byte by byte: no byte of a multi-byte character is a quote, a backslash or a bracket.
 */
export function nestsDeeperThan(bytes: Uint8Array, max: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]
    if (inString) {
      if (byte === BACKSLASH)
        i++ // the escaped byte cannot end the string
      else if (byte === QUOTE) inString = false
    } else if (byte === QUOTE) {
      inString = true
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      depth++
      if (depth > max) return true
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
      depth--
    }
  }
  return false
}
