import type { ArtifactRegistry, Capabilities } from '@artifact-registry/core'
import { describe, expect, it } from 'vitest'
import { capabilityTests, credentialTests } from '../src/index.js'
import { runGroup, type TestOutcome } from './collect-group.js'
import { reference } from './reference-provider.js'

/**
 * The reference provider with some of its members replaced, as a third-party provider that gets
 * one declaration wrong would be.
 */
function withMembers(overrides: Partial<Record<keyof ArtifactRegistry, unknown>>) {
  return (): ArtifactRegistry => {
    const registry = reference()
    return new Proxy(registry, {
      get: (target, key, receiver) =>
        Object.hasOwn(overrides, key)
          ? overrides[key as keyof ArtifactRegistry]
          : Reflect.get(target, key, receiver),
    })
  }
}

/** The failure messages of the tests whose names contain `title`. */
function failuresOf(outcomes: readonly TestOutcome[], title: string): string[] {
  return outcomes
    .filter((o) => o.name.includes(title) && o.status === 'failed')
    .map((o) => o.detail ?? '')
}

const CAPABILITIES = reference().capabilities

// An author outside this repository sees only the message: "expected false to be true" or
// "expected 0 to be greater than 0" does not tell which field of the provider is wrong.
describe('a failing contract test names what the provider got wrong', () => {
  it('credentials whose registry is not the host of registryEndpoint', async () => {
    const factory = withMembers({ registryEndpoint: 'https://other.reference.test' })
    const outcomes = await runGroup((test) => credentialTests({ test, factory }))
    const failures = failuresOf(outcomes, 'have the declared shape')
    expect(failures).toHaveLength(2)
    for (const message of failures) {
      expect(message).toContain('registryEndpoint')
      expect(message).toContain('registry.reference.test')
    }
  })

  it('a capability missing or out of range', async () => {
    const declarations: [string, Partial<Capabilities>][] = [
      ['repositoryScopedGrants', { repositoryScopedGrants: undefined as unknown as boolean }],
      ['implicitRepositories', { implicitRepositories: 'no' as unknown as boolean }],
      [
        'credentialTtl.minSeconds',
        { credentialTtl: { ...CAPABILITIES.credentialTtl, minSeconds: 0 } },
      ],
      [
        'credentialTtl.defaultSeconds',
        { credentialTtl: { ...CAPABILITIES.credentialTtl, defaultSeconds: 10 ** 9 } },
      ],
    ]
    for (const [field, declaration] of declarations) {
      const factory = withMembers({ capabilities: { ...CAPABILITIES, ...declaration } })
      const outcomes = await runGroup((test) => capabilityTests({ test, factory }))
      const failures = failuresOf(outcomes, 'the declaration is well-formed')
      expect(failures, field).toHaveLength(1)
      expect(failures[0], field).toContain(field)
    }
  })

  it('an expiresAt later than the requested TTL allows', async () => {
    const factory = () => reference({ faults: ['ttl-ignored'] })
    const outcomes = await runGroup((test) => credentialTests({ test, factory }))
    const failures = failuresOf(outcomes, 'expiresAt follows the requested TTL')
    expect(failures).toHaveLength(2)
    for (const message of failures) expect(message).toMatch(/expiresAt .*later than/)
  })
})
