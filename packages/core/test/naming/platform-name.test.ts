import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isArtifactRegistryError } from '../../src/errors.js'
import { isValidPlatformName, toPlatformName } from '../../src/naming/platform-name.js'
import { NAMING_RULES, type NamingRuleId } from '../../src/naming/rules.js'
import { ADAPTED_SUFFIX } from '../../src/naming/short-hash.js'

const RULE_IDS = Object.keys(NAMING_RULES) as NamingRuleId[]
const RUNS = 4000

/** Names built from the characters users actually type, so many are valid and many are near misses. */
const nameLike = fc.string({
  unit: fc.constantFrom(...'abcxyzABZ0189._-/ _@:é'.split('')),
  minLength: 1,
  maxLength: 70,
})
const anyText = fc.string({ unit: 'binary', minLength: 0, maxLength: 300 })
const logicalName = fc.oneof(nameLike, anyText)

function mapOrInvalid(rule: NamingRuleId, input: string, maxLength?: number): string | 'INVALID' {
  try {
    return toPlatformName(rule, input, maxLength === undefined ? {} : { maxLength })
  } catch (err) {
    if (isArtifactRegistryError(err, 'INVALID_NAME')) return 'INVALID'
    throw err
  }
}

describe('the README', () => {
  it('lists every rule id, in the Naming section and as NamingRuleId', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    const row = readme.split('\n').find((line) => line.startsWith('| `NamingRuleId`')) ?? ''
    const listed = [...(row.split(/(?<!\\)\|/)[2] ?? '').matchAll(/'([a-z-]+)'/g)].map((m) => m[1])
    expect(listed.sort()).toEqual([...RULE_IDS].sort())
    const rules = /with\s+the\s+rules\s+([^.]*)\(`NAMING_RULES`\)/.exec(readme)?.[1] ?? ''
    expect([...rules.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]).sort()).toEqual(
      [...RULE_IDS].sort(),
    )
  })
})

describe('toPlatformName', () => {
  it('keeps valid example names unchanged (docs/design.md#naming)', () => {
    for (const rule of ['ecr', 'gar', 'acr', 'oci'] as const) {
      expect(toPlatformName(rule, 'prj_abc123')).toBe('prj_abc123')
      expect(toPlatformName(rule, 'team/my-app')).toBe('team/my-app')
    }
    expect(toPlatformName('acr-scope-map', 'prj-abc123')).toBe('prj-abc123')
  })

  it('adapts names with a stable hash suffix', () => {
    const adapted = toPlatformName('ecr', 'My App')
    expect(adapted).toMatch(/^my-app-x[0-9a-f]{24}$/)
    expect(toPlatformName('ecr', 'My App')).toBe(adapted)
    expect(toPlatformName('ecr', 'my app')).not.toBe(adapted)
    // Scope-map names keep the 12 hex digits earlier versions gave them (NAMING_RULES).
    expect(toPlatformName('acr-scope-map', 'artifacts/prj_abc123')).toMatch(
      /^artifacts-prj-abc123-x[0-9a-f]{12}$/,
    )
    expect(toPlatformName('acr-scope-map', '9lives')).toMatch(/^r9lives-x[0-9a-f]{12}$/)
  })

  it('keeps GCP service account ids of 6-30 characters and adapts the others into 6-30', () => {
    expect(toPlatformName('gcp-service-account', 'images-pull')).toBe('images-pull')
    const long = toPlatformName('gcp-service-account', 'a-very-long-gar-repository-name-pull')
    expect(long).toMatch(/^a-ve-x[0-9a-f]{24}$/)
    expect(long.length).toBeLessThanOrEqual(30)
    expect(toPlatformName('gcp-service-account', 'pull')).toMatch(/^pull-x[0-9a-f]{24}$/)
    expect(isValidPlatformName('gcp-service-account', 'images-')).toBe(false)
  })

  it('respects a length budget left by a prefix', () => {
    const long = 'a'.repeat(300)
    const name = toPlatformName('ecr', long, { maxLength: 200 })
    expect(name.length).toBeLessThanOrEqual(200)
    expect(isValidPlatformName('ecr', name)).toBe(true)
    expect(toPlatformName('ecr', 'short', { maxLength: 200 })).toBe('short')
  })

  it('adapts a valid name that already looks adapted, so it cannot collide', () => {
    const adapted = toPlatformName('oci', 'Upper')
    expect(ADAPTED_SUFFIX.test(adapted)).toBe(true)
    expect(toPlatformName('oci', adapted)).not.toBe(adapted)
  })

  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['/abc', 'leading slash'],
    ['abc/', 'trailing slash'],
    ['a//b', 'empty component'],
    ['a/../b', 'parent component'],
    ['./a', 'dot component'],
    ['a\u0000b', 'NUL'],
    ['a\nb', 'newline'],
    ['prj\uD800', 'lone high surrogate'],
    ['team/\uDC00app', 'lone low surrogate'],
    ['x'.repeat(513), 'absurd length'],
  ])('rejects %j (%s) with INVALID_NAME', (input) => {
    for (const rule of RULE_IDS) {
      expect(() => toPlatformName(rule, input)).toThrowError(
        expect.objectContaining({ code: 'INVALID_NAME' }),
      )
    }
  })

  it('never gives names that differ only where UTF-8 cannot tell them apart one platform name', () => {
    // A lone surrogate and U+FFFD spell the same UTF-8, which the adapted name's hash reads.
    const names = ['prj\uFFFD', 'prj\uD800', 'prj\uDBFF', 'prj\uDC00']
    for (const rule of RULE_IDS) {
      const mapped = names.map((name) => mapOrInvalid(rule, name)).filter((n) => n !== 'INVALID')
      expect(new Set(mapped).size).toBe(mapped.length)
    }
    // Well-formed text outside the BMP (a surrogate pair) is a name like any other.
    expect(toPlatformName('ecr', 'prj\u{1F600}')).toMatch(/^prj-x[0-9a-f]{24}$/)
  })

  it('rejects non-strings with INVALID_NAME', () => {
    expect(() => toPlatformName('ecr', 42 as unknown as string)).toThrowError(
      expect.objectContaining({ code: 'INVALID_NAME' }),
    )
  })

  describe.each(RULE_IDS)('property: %s', (rule) => {
    it(`maps ${RUNS} random names to valid, deterministic, distinct names`, () => {
      const seen = new Map<string, string>()
      fc.assert(
        fc.property(logicalName, (input) => {
          const out = mapOrInvalid(rule, input)
          if (out === 'INVALID') return
          expect(isValidPlatformName(rule, out)).toBe(true)
          expect(mapOrInvalid(rule, input)).toBe(out)
          const previous = seen.get(out)
          if (previous !== undefined) expect(previous).toBe(input)
          seen.set(out, input)
        }),
        { numRuns: RUNS },
      )
      // Guard against a generator that only produces rejected names.
      expect(seen.size).toBeGreaterThan(RUNS / 4)
    })

    it('never lets an adapted name equal a name kept as given', () => {
      fc.assert(
        fc.property(logicalName, (input) => {
          const out = mapOrInvalid(rule, input)
          if (out === 'INVALID' || out === input) return
          // The output is itself a valid input: it must not map to itself.
          expect(mapOrInvalid(rule, out)).not.toBe(out)
        }),
        { numRuns: RUNS / 4 },
      )
    })

    it('keeps names inside a prefix budget', () => {
      // At least what an adapted name needs: 4 characters of stem and its 26-character suffix.
      const { minLength, maxLength } = NAMING_RULES[rule]
      const budget = Math.max(minLength + 15, maxLength - 40, 30)
      fc.assert(
        fc.property(logicalName, (input) => {
          const out = mapOrInvalid(rule, input, budget)
          if (out === 'INVALID') return
          expect(out.length).toBeLessThanOrEqual(budget)
          expect(isValidPlatformName(rule, out)).toBe(true)
        }),
        { numRuns: RUNS / 4 },
      )
    })
  })

  it('keeps every grammar-valid name unchanged', () => {
    const component = fc.stringMatching(/^[a-z0-9]{1,8}([._-][a-z0-9]{1,8}){0,3}$/)
    const path = fc.array(component, { minLength: 1, maxLength: 3 }).map((c) => c.join('/'))
    fc.assert(
      fc.property(path, (name) => {
        fc.pre(!ADAPTED_SUFFIX.test(name))
        for (const rule of ['ecr', 'gar', 'acr', 'oci'] as const) {
          fc.pre(isValidPlatformName(rule, name))
          expect(toPlatformName(rule, name)).toBe(name)
        }
      }),
      { numRuns: 2000 },
    )
  })
})
