import { describe, expect, it } from 'vitest'
import { isArtifactRegistryError } from '../src/errors.js'
import { resolveListOptions, sortByName } from '../src/list-repositories.js'

function failure(run: () => unknown): unknown {
  try {
    run()
  } catch (err) {
    return err
  }
  throw new Error('expected a failure')
}

describe('resolveListOptions', () => {
  it('lists everything without options', () => {
    expect(resolveListOptions(undefined, 'aws')).toEqual({ prefix: '', signal: undefined })
    expect(resolveListOptions({}, 'aws')).toEqual({ prefix: '', signal: undefined })
  })

  it('keeps the prefix and the signal', () => {
    const signal = new AbortController().signal
    expect(resolveListOptions({ prefix: 'team-', signal }, 'gcp')).toEqual({
      prefix: 'team-',
      signal,
    })
  })

  it.each([
    ['a bare prefix', 'team-', /options must be an object like \{ prefix: 'team-' \}/],
    ['null', null, /got null$/],
    [
      'a misspelt field',
      { prefx: 'a' },
      /unknown option "prefx": the options are prefix and signal$/,
    ],
    ['a prefix that is no string', { prefix: 7 }, /prefix must be a string, got number 7$/],
    ['a signal that is none', { signal: { aborted: false } }, /signal must be an AbortSignal/],
  ])('refuses %s with INVALID_ARGUMENT of the platform', (_, options, message) => {
    const err = failure(() => resolveListOptions(options, 'azure'))
    expect(isArtifactRegistryError(err, 'INVALID_ARGUMENT')).toBe(true)
    expect(err).toHaveProperty('platform', 'azure')
    expect((err as Error).message).toMatch(message)
  })

  it('throws the reason of a signal that is already aborted', () => {
    const reason = new Error('stopped by the caller')
    expect(failure(() => resolveListOptions({ signal: AbortSignal.abort(reason) }))).toBe(reason)
  })
})

describe('sortByName', () => {
  it('sorts by UTF-16 code units, as the OCI catalog does, not by locale', () => {
    const names = ['ns/b', 'ns/B', 'ns/a-b', 'ns/a', 'ns/a/b', 'ns/a_b', 'ns/a.b']
    const sorted = sortByName(names.map((name) => ({ name, uri: null, createdAt: null })))
    expect(sorted.map((r) => r.name)).toEqual([
      'ns/B',
      'ns/a',
      'ns/a-b',
      'ns/a.b',
      'ns/a/b',
      'ns/a_b',
      'ns/b',
    ])
  })
})
