import type { ArtifactRegistry } from '../../src/artifact-registry.js'
import type { Capabilities } from '../../src/capabilities.js'
import type { TtlRule } from '../../src/ttl.js'

/**
 * What the tests' own in-memory providers declare, with each test's lifetime rule: no
 * cross-account grants, explicit repositories, Basic credentials for one repository.
 */
export function testCapabilities(credentialTtl: TtlRule): Readonly<Capabilities> {
  return {
    credentialTtl,
    crossAccountAccess: null,
    implicitRepositories: false,
    credentialAuthMethod: 'basic',
    repositoryScopedCredentials: true,
    repositoryScopedGrants: true,
  }
}

/** A one-minute cap that honours the requested lifetime. */
export const ONE_MINUTE_TTL: TtlRule = {
  defaultSeconds: 60,
  minSeconds: 1,
  maxSeconds: 60,
  honoursRequest: true,
}

/**
 * A provider on 127.0.0.1:1 with {@link testCapabilities} and a one-minute cap whose every
 * operation is `refuse`, but for those given in `overrides`; closing it does nothing.
 */
export function stubProvider(
  platform: string,
  refuse: () => Promise<never>,
  overrides: Partial<ArtifactRegistry> = {},
): ArtifactRegistry {
  return {
    platform,
    registryEndpoint: 'http://127.0.0.1:1',
    capabilities: testCapabilities(ONE_MINUTE_TTL),
    createRepository: refuse,
    getRepository: refuse,
    deleteRepository: refuse,
    generateCredentials: refuse,
    addCrossAccountAccess: refuse,
    removeCrossAccountAccess: refuse,
    getCrossAccountAccess: refuse,
    close: async () => {},
    [Symbol.asyncDispose]: async () => {},
    ...overrides,
  }
}
