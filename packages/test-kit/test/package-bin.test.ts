import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { packageBin } from '../src/index.js'

describe('packageBin', () => {
  it('is the file a package names for that bin, found from the caller', () => {
    const file = packageBin('vitest', 'vitest', import.meta.url)
    expect(file).toMatch(/vitest[/\\]vitest\.mjs$/)
    expect(existsSync(file)).toBe(true)
    expect(readFileSync(file, 'utf8')).toMatch(/^#!/)
  })

  it('refuses a bin the package does not have', () => {
    expect(() => packageBin('vitest', 'no-such-command', import.meta.url)).toThrow(TypeError)
  })
})
