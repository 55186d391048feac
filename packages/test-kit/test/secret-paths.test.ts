import { describe, expect, it } from 'vitest'
import { whereSecretsAre } from '../src/secret-paths.js'

describe('whereSecretsAre', () => {
  it('finds a secret in hidden and symbol-keyed properties, headers, forms and causes', () => {
    const hidden = {}
    Object.defineProperty(hidden, '$response', { value: { body: 'token=s1' }, enumerable: false })
    const err = new Error('outer', {
      cause: Object.assign(hidden, {
        [Symbol('headers')]: new Headers({ authorization: 'Bearer s2' }),
        form: new URLSearchParams('refresh_token=s3'),
      }),
    })
    expect(whereSecretsAre(err, ['s1', 's2', 's3']).sort()).toEqual([
      'error.cause.$response.body',
      'error.cause.Symbol(headers)<authorization>',
      'error.cause.form<refresh_token>',
    ])
  })

  it('is empty when the secrets are nowhere, through cycles and throwing getters', () => {
    const looped: Record<string, unknown> = { name: 'plain' }
    looped.self = looped
    Object.defineProperty(looped, 'broken', {
      get() {
        throw new Error('s1')
      },
    })
    expect(whereSecretsAre(looped, ['s1', ''])).toEqual([])
  })
})
