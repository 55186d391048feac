import { describe, expect, it } from 'vitest'
import { isArtifactRegistryError } from '../src/errors.js'
import { bindingEnvVariable, loadArtifactRegistry, loadBinding } from '../src/factory.js'

/** The error `run` throws, or `undefined` when it returns. */
function errorOf(run: () => unknown): unknown {
  try {
    run()
  } catch (err) {
    return err
  }
  return undefined
}

// What JavaScript callers hand in by mistake where the types say strings: the binding object
// itself in place of its JSON, `null` for the environment, a name that is no string. Each must
// be refused as what it is, not surface as a TypeError from reading it.
describe('values of the wrong type where loadBinding reads strings', () => {
  const binding = {
    platform: 'local',
    adminCredentials: { username: 'admin', password: 'hunter2-secret' },
  }

  it('a variable holding the binding object, not its JSON, is INVALID_CONFIG naming it, without the value', () => {
    const env = { ARTIFACT_REGISTRY_X_BINDING: binding } as unknown as Record<string, string>
    const err = errorOf(() => loadBinding('x', env))
    expect(isArtifactRegistryError(err, 'INVALID_CONFIG'), String(err)).toBe(true)
    const { message, issues } = err as { message: string; issues: { path: string }[] }
    expect(message).toContain('ARTIFACT_REGISTRY_X_BINDING')
    expect(message).toMatch(/JSON text/)
    expect(message).not.toContain('hunter2')
    expect(issues.map((i) => i.path)).toEqual(['ARTIFACT_REGISTRY_X_BINDING'])
  })

  it('a number in the Alien variable is INVALID_CONFIG naming it', () => {
    const env = { ALIEN_X_BINDING: 5 } as unknown as Record<string, string>
    const err = errorOf(() => loadBinding('x', env))
    expect(isArtifactRegistryError(err, 'INVALID_CONFIG'), String(err)).toBe(true)
    expect((err as Error).message).toContain('ALIEN_X_BINDING')
  })

  it('an environment that is not an object is INVALID_ARGUMENT', async () => {
    for (const env of [null, 'ARTIFACT_REGISTRY_X_BINDING={}', 5]) {
      const err = errorOf(() => loadBinding('x', env as unknown as Record<string, string>))
      expect(isArtifactRegistryError(err, 'INVALID_ARGUMENT'), String(err)).toBe(true)
      await expect(
        loadArtifactRegistry('x', env as unknown as Record<string, string>),
      ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    }
  })

  it('a binding name that cannot be turned into text is INVALID_ARGUMENT', () => {
    for (const name of [Object.create(null), 10n, Symbol('x')]) {
      const err = errorOf(() => bindingEnvVariable(name as unknown as string))
      expect(isArtifactRegistryError(err, 'INVALID_ARGUMENT'), String(err)).toBe(true)
    }
  })
})
