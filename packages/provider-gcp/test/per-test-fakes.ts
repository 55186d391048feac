import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import type { GranteeOptions } from '@artifact-registry/testing'
import {
  type FakeIamBinding,
  type GcpFake,
  type GcpFakeOptions,
  startGcpFake,
} from '@artifact-registry/testing/fakes/gcp'
import type { GcpProvider, GcpProviderOptions } from '../src/index.js'
import { INFRA_BINDINGS, KNOWN_IDENTITIES, providerFor, provisionGarRepository } from './helpers.js'

/** The contract suite's `factory`, `teardown` and `dataPlane.expire` over a fake per test. */
export interface PerTestFakes {
  factory: () => Promise<GcpProvider>
  teardown: (provider: GcpProvider) => Promise<void>
  /** A provider of another GAR repository on the fake of `provider`. */
  otherBinding: (provider: GcpProvider) => Promise<GcpProvider>
  expire: (credentials: ArtifactRegistryCredentials) => Promise<void>
  /**
   * The suite's `grantees`: a service account's own token (as its environment hands it out),
   * for the data plane of the fake of the provider.
   */
  grantees: GranteeOptions<GcpProvider>
}

/**
 * A fake of its own for each test, so a test that moves the clock on to expire credentials moves
 * nobody else's; the data plane's host tells which fake minted a credential. Each provider gets a
 * fresh GAR repository with `bindings`, and the options `overrides` gives on top of
 * {@link providerFor}'s.
 */
export function perTestFakes(
  options: GcpFakeOptions = KNOWN_IDENTITIES,
  bindings: readonly FakeIamBinding[] = INFRA_BINDINGS,
  overrides: (fake: GcpFake) => Promise<Partial<GcpProviderOptions>> = async () => ({}),
): PerTestFakes {
  const fakes = new Map<GcpProvider, GcpFake>()
  const byRegistry = new Map<string, GcpFake>()
  return {
    async factory() {
      const fake = await startGcpFake(options)
      const { repository } = provisionGarRepository(fake, bindings)
      const provider = await providerFor(fake, repository, await overrides(fake))
      fakes.set(provider, fake)
      byRegistry.set(fake.dataPlane.registry, fake)
      return provider
    },
    async otherBinding(provider) {
      const fake = fakes.get(provider)
      if (fake === undefined) throw new Error('no fake for this provider: make it with factory()')
      const { repository } = provisionGarRepository(fake, bindings)
      return providerFor(fake, repository, await overrides(fake))
    },
    async teardown(provider) {
      await provider.close()
      const fake = fakes.get(provider)
      fakes.delete(provider)
      if (fake === undefined) return
      byRegistry.delete(fake.dataPlane.registry)
      await fake.close()
    },
    grantees: {
      async credentialsOf(identity, provider) {
        const fake = fakes.get(provider)
        if (fake === undefined) throw new Error('no fake for this provider: make it with factory()')
        if (identity.type !== 'gcp') throw new TypeError(`not a GCP identity: ${identity.type}`)
        const { token, expiresAt } = fake.serviceAccountToken(identity.serviceAccountEmail)
        return {
          authMethod: 'basic',
          registry: fake.dataPlane.registry,
          username: 'oauth2accesstoken',
          password: token,
          expiresAt,
        }
      },
    },
    // Move the minting fake's clock one second past the credentials' expiry.
    async expire(credentials) {
      const fake = byRegistry.get(credentials.registry)
      if (fake === undefined || credentials.expiresAt === null) {
        throw new Error(`no fake minted credentials for ${credentials.registry} with an expiry`)
      }
      fake.advanceClock(Math.max(0, (credentials.expiresAt.getTime() - fake.now()) / 1000) + 1)
    },
  }
}
