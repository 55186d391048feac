import { describe, expect, it } from 'vitest'
import { resolveBindingPlaceholders } from '../../src/provision/index.js'

describe('resolveBindingPlaceholders', () => {
  const binding = {
    platform: 'local',
    url: 'http://127.0.0.1:5000',
    adminCredentials: { username: 'admin', password: `\${ADMIN_PW}` },
  } as const

  it('replaces whole-value placeholders at any depth, and keeps every other value', () => {
    const resolved = resolveBindingPlaceholders(
      { ...binding, bindingName: `a\${b}c` },
      { ADMIN_PW: 'from-env' },
    )
    expect(resolved).toEqual({
      platform: 'local',
      url: 'http://127.0.0.1:5000',
      bindingName: `a\${b}c`,
      adminCredentials: { username: 'admin', password: 'from-env' },
    })
    expect(binding.adminCredentials.password).toBe(`\${ADMIN_PW}`)
  })

  it('names by path each placeholder whose variable is unset or empty', () => {
    const error = (() => {
      try {
        resolveBindingPlaceholders(binding, { ADMIN_PW: '' })
      } catch (e) {
        return e
      }
    })()
    expect(error).toMatchObject({
      code: 'INVALID_CONFIG',
      issues: [{ path: 'adminCredentials.password', message: 'names ADMIN_PW, which is not set' }],
    })
  })

  it('reads process.env by default', () => {
    const variable = `PROVISION_PLACEHOLDER_TEST_${process.pid}`
    process.env[variable] = 'from-process'
    try {
      const own = {
        ...binding,
        adminCredentials: { username: 'admin', password: `\${${variable}}` },
      }
      expect(resolveBindingPlaceholders(own).adminCredentials.password).toBe('from-process')
    } finally {
      delete process.env[variable]
    }
  })
})
