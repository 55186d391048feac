import { describe, expect, it } from 'vitest'
import { describeJsonSyntaxError } from '../src/json-syntax.js'

/** The position JSON.parse's own message gives, where it gives one (`… (line L column C)`). */
function parserPosition(text: string): string {
  try {
    JSON.parse(text)
  } catch (error) {
    const match = /\(line (\d+) column (\d+)\)/.exec((error as Error).message)
    if (match === null) throw new Error(`no position in: ${(error as Error).message}`)
    return `line ${match[1]}, column ${match[2]}`
  }
  throw new Error(`valid JSON: ${text}`)
}

describe('describeJsonSyntaxError', () => {
  it('names the line and column of the mistake, never the text', () => {
    expect(describeJsonSyntaxError('{"password": s3cret}')).toBe('line 1, column 14')
    expect(describeJsonSyntaxError('{\n  "a": 1,\n  "password": s3cret\n}')).toBe(
      'line 3, column 15',
    )
    // Where JSON.parse quotes the text instead of giving a position.
    expect(describeJsonSyntaxError('[1, 2, secret]')).toBe('line 1, column 8')
    expect(describeJsonSyntaxError('[1, 2,]')).toBe('line 1, column 7')
    expect(describeJsonSyntaxError('{"a": tru}')).toBe('line 1, column 7')
  })

  it('says when the text ends before the value does', () => {
    expect(describeJsonSyntaxError('')).toBe('line 1, column 1 (the text ends early)')
    expect(describeJsonSyntaxError('{"password": "s3cret"\n')).toBe(
      'line 2, column 1 (the text ends early)',
    )
    expect(describeJsonSyntaxError('{"a": "unterminated')).toBe(
      'line 1, column 20 (the text ends early)',
    )
  })

  it('finds the position JSON.parse reports, for each kind of mistake', () => {
    for (const text of [
      '{"a": 1,}',
      '{"a" 1}',
      '{"a": 1 "b": 2}',
      '{"a": "x\ny"}',
      '{"a": "\\q"}',
      '{"a": "\\u12G4"}',
      '{"a": 01}',
      '{"a": 1} trailing',
      '{a: 1}',
      '{"a": -}',
      '\t\r\n {"a": [true, false, null, -1.5e+3, "\\u00e9\\n"] ,,}',
    ]) {
      expect(describeJsonSyntaxError(text), text).toBe(parserPosition(text))
    }
  })

  it('for valid JSON (a caller error) the position is unknown', () => {
    expect(describeJsonSyntaxError('{"a": [1, "b", {"c": null}]}')).toBe('an unknown position')
  })
})
