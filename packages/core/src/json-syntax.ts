/**
 * Where JSON text stops being JSON, for an error message that must not quote the text.
 *
 * `JSON.parse`'s own `SyntaxError` quotes the text around the mistake (`Unexpected token 's',
 * ..."password": s3cr"... is not valid JSON`), and binding or options text may hold a password.
 * This reports the position only: `line 2, column 14`, or `line 3, column 1 (the text ends early)`.
 * Call it after `JSON.parse` has failed; for valid JSON it returns `an unknown position`.
 *
 * @example
 * ```ts
 * try {
 *   JSON.parse(text)
 * } catch {
 *   // No cause: the SyntaxError would quote the text.
 *   throw new Error(`${file} is not valid JSON (${describeJsonSyntaxError(text)})`)
 * }
 * ```
 */
export function describeJsonSyntaxError(text: string): string {
  const offset = jsonSyntaxErrorOffset(text)
  if (offset === undefined) return 'an unknown position'
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  const column = offset - before.lastIndexOf('\n')
  return `line ${line}, column ${column}${offset >= text.length ? ' (the text ends early)' : ''}`
}

// --- Internal ---

/** The offset of the first character that makes `text` invalid JSON, or `undefined` if it is valid. */
function jsonSyntaxErrorOffset(text: string): number | undefined {
  const scanner = new JsonScanner(text)
  try {
    scanner.document()
    return undefined
  } catch (error) {
    if (error instanceof SyntaxStop) return error.offset
    throw error
  }
}

class SyntaxStop {
  constructor(readonly offset: number) {}
}

const UNSIGNED_NUMBER = /(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const ESCAPES = '"\\/bfnrtu'

/** A recursive-descent reader of RFC 8259 JSON that keeps nothing but its position. */
class JsonScanner {
  #at = 0

  constructor(private readonly text: string) {}

  document(): void {
    this.#value()
    this.#space()
    if (this.#at < this.text.length) this.#stop()
  }

  #stop(): never {
    throw new SyntaxStop(this.#at)
  }

  #space(): void {
    while (' \t\n\r'.includes(this.text[this.#at] ?? 'x')) this.#at += 1
  }

  #expect(char: string): void {
    if (this.text[this.#at] !== char) this.#stop()
    this.#at += 1
  }

  #value(): void {
    this.#space()
    const char = this.text[this.#at]
    if (char === '{') this.#object()
    else if (char === '[') this.#array()
    else if (char === '"') this.#string()
    else if (!this.#literal()) this.#number(char === '-')
  }

  #literal(): boolean {
    const literal = ['true', 'false', 'null'].find((word) => this.text.startsWith(word, this.#at))
    if (literal !== undefined) this.#at += literal.length
    return literal !== undefined
  }

  #number(negative: boolean): void {
    if (negative) this.#at += 1
    UNSIGNED_NUMBER.lastIndex = this.#at
    if (UNSIGNED_NUMBER.exec(this.text) === null) this.#stop()
    this.#at = UNSIGNED_NUMBER.lastIndex
  }

  #object(): void {
    this.#at += 1
    this.#space()
    if (this.text[this.#at] === '}') {
      this.#at += 1
      return
    }
    for (;;) {
      this.#space()
      if (this.text[this.#at] !== '"') this.#stop()
      this.#string()
      this.#space()
      this.#expect(':')
      this.#value()
      if (!this.#more('}')) return
    }
  }

  #array(): void {
    this.#at += 1
    this.#space()
    if (this.text[this.#at] === ']') {
      this.#at += 1
      return
    }
    do this.#value()
    while (this.#more(']'))
  }

  /** After a member: `,` means another follows; otherwise the closing `close` must. */
  #more(close: string): boolean {
    this.#space()
    if (this.text[this.#at] === ',') {
      this.#at += 1
      return true
    }
    this.#expect(close)
    return false
  }

  #string(): void {
    this.#at += 1
    for (;;) {
      const char = this.text[this.#at]
      if (char === undefined || char < ' ') this.#stop()
      this.#at += 1
      if (char === '"') return
      if (char !== '\\') continue
      const escaped = this.text[this.#at]
      if (escaped === undefined || !ESCAPES.includes(escaped)) this.#stop()
      this.#at += 1
      if (escaped === 'u') this.#hexDigits()
    }
  }

  /** The four digits of a `\\u` escape; the first that is not one is the mistake. */
  #hexDigits(): void {
    for (let digit = 0; digit < 4; digit += 1) {
      if (!/[0-9a-fA-F]/.test(this.text[this.#at] ?? '')) this.#stop()
      this.#at += 1
    }
  }
}
