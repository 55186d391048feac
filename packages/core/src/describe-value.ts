/**
 * @internal How an argument appears in an error message: its type, then the value when that is
 * safe to show (`number 60`, `string "60"`, `null`, `object Date`). A string is quoted only when
 * it looks like a number; anything else could be a secret passed in the wrong place, so only its
 * length is shown.
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  switch (typeof value) {
    case 'string':
      return NUMERIC_LOOKING.test(value)
        ? `string ${JSON.stringify(value)}`
        : `string of ${value.length} characters`
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`
    case 'bigint':
      return `bigint ${value}n`
    case 'object':
      return `object ${Object.prototype.toString.call(value).slice(8, -1)}`
    default:
      return typeof value
  }
}

// Digits, signs, a decimal point or an exponent, short enough to read: "60", "-1", "1.5e3".
const NUMERIC_LOOKING = /^\s*[-+]?[\d.]{0,20}(e[-+]?\d{1,4})?\s*$/i
