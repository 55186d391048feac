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
      // Each check names its field: an author sees only the message, and "expected 'undefined'
      // to be 'boolean'" does not say which declaration is missing.
      t.expect(typeof r.platform, 'platform').toBe('string')
      t.expect(r.platform, 'platform').toMatch(/^[a-z][a-z0-9-]*$/)
      t.expect([null, 'aws', 'gcp'], 'capabilities.crossAccountAccess').toContain(
        c.crossAccountAccess,
      )
      t.expect(['basic', 'bearer'], 'capabilities.credentialAuthMethod').toContain(
        c.credentialAuthMethod,
      )
      for (const field of [
        'implicitRepositories',
        'repositoryScopedCredentials',
        'repositoryScopedGrants',
      ] as const) {
        t.expect(typeof c[field], `capabilities.${field} must be a boolean`).toBe('boolean')
      }
      for (const field of ['listRepositories', 'revokesCredentialsOnDelete'] as const) {
        t.expect(
          [undefined, true, false],
          `capabilities.${field} must be a boolean or absent`,
        ).toContain(c[field])
      }
      const ttl = c.credentialTtl
      t.expect(ttl, 'capabilities.credentialTtl must be a TtlRule').toBeTypeOf('object')
      t.expect(ttl, 'capabilities.credentialTtl must be a TtlRule').not.toBeNull()
      t.expect(ttl.minSeconds, 'capabilities.credentialTtl.minSeconds').toBeGreaterThan(0)
      t.expect(
        ttl.minSeconds,
        'capabilities.credentialTtl.minSeconds must not exceed defaultSeconds',
      ).toBeLessThanOrEqual(ttl.defaultSeconds)
      t.expect(
        ttl.defaultSeconds,
        'capabilities.credentialTtl.defaultSeconds must not exceed maxSeconds',
      ).toBeLessThanOrEqual(ttl.maxSeconds)
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
