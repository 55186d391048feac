import type { ArtifactRegistry } from '@artifact-registry/core'
import { checkOptions, expectCode, registryTest, uniqueName } from '../context.js'
import type { ContractSuiteOptions } from '../types.js'
import { SAMPLE_ACCESS } from './cross-account.js'

/** Capabilities: the declaration is well-formed and true to the code. */
export function capabilityTests<R extends ArtifactRegistry>(
  options: ContractSuiteOptions<R>,
): void {
  checkOptions(options)
  options.test.describe('capabilities', () => {
    registryTest(options, 'the declaration is well-formed', async (r, t) => {
      const c = r.capabilities
      t.expect(typeof r.platform).toBe('string')
      t.expect(r.platform).toMatch(/^[a-z][a-z0-9-]*$/)
      t.expect([null, 'aws', 'gcp']).toContain(c.crossAccountAccess)
      t.expect(['basic', 'bearer']).toContain(c.credentialAuthMethod)
      t.expect(typeof c.implicitRepositories).toBe('boolean')
      t.expect(typeof c.repositoryScopedCredentials).toBe('boolean')
      t.expect(typeof c.repositoryScopedGrants).toBe('boolean')
      t.expect([undefined, true, false]).toContain(c.listRepositories)
      t.expect([undefined, true, false]).toContain(c.revokesCredentialsOnDelete)
      const ttl = c.credentialTtl
      t.expect(ttl.minSeconds).toBeGreaterThan(0)
      t.expect(ttl.minSeconds).toBeLessThanOrEqual(ttl.defaultSeconds)
      t.expect(ttl.defaultSeconds).toBeLessThanOrEqual(ttl.maxSeconds)
    })

    registryTest(
      options,
      'crossAccountAccess: null means the methods throw NOT_SUPPORTED',
      async (r, t) => {
        const { name } = await r.createRepository(uniqueName('caps'))
        if (r.capabilities.crossAccountAccess === null) {
          const access = SAMPLE_ACCESS.aws[0]
          await expectCode(t, r.addCrossAccountAccess(name, access), 'NOT_SUPPORTED')
          await expectCode(t, r.removeCrossAccountAccess(name, access), 'NOT_SUPPORTED')
          await expectCode(t, r.getCrossAccountAccess(name), 'NOT_SUPPORTED')
        } else {
          const granted = await r.getCrossAccountAccess(name)
          t.expect(granted.access.type).toBe(r.capabilities.crossAccountAccess)
        }
      },
    )

    registryTest(
      options,
      'implicitRepositories tells whether a deleted name still resolves',
      async (r, t) => {
        const { name } = await r.createRepository(uniqueName('caps'))
        await r.deleteRepository(name)
        let resolves = true
        try {
          await r.getRepository(name)
        } catch {
          resolves = false
        }
        t.expect(resolves).toBe(r.capabilities.implicitRepositories)
      },
    )

    registryTest(
      options,
      'listRepositories exists exactly when capabilities.listRepositories is true',
      async (r, t) => {
        t.expect(typeof r.listRepositories === 'function').toBe(
          r.capabilities.listRepositories === true,
        )
      },
    )

    registryTest(options, 'credentialAuthMethod is the method credentials use', async (r, t) => {
      const { name } = await r.createRepository(uniqueName('caps'))
      const credentials = await r.generateCredentials(name, 'push-pull')
      t.expect(credentials.authMethod).toBe(r.capabilities.credentialAuthMethod)
    })
  })
}
