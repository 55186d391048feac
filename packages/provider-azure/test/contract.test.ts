import { artifactRegistryContractSuite } from '@artifact-registry/testing'
import type { AzureFake, LroStyle } from '@artifact-registry/testing/fakes/azure'
import { afterAll, beforeAll, describe, it } from 'vitest'
import type { AzureProviderOptions } from '../src/index.js'
import { fakeDataPlane, fakeProvider, startStrictAzureFake } from './fixtures.js'

// The whole contract, through the real Azure SDK and a real ClientSecretCredential, against the
// HTTPS fake (which refuses ARM-audience Entra tokens at /oauth2/exchange, as a registry under the
// built-in policy does), with the data-plane group's skopeo on the fake's registry: once without a
// prefix (Azure-AsyncOperation LROs), once with a prefix (Location LROs), once in
// repository-token mode.
const RUNS: readonly {
  title: string
  lroStyle: LroStyle
  options: Partial<AzureProviderOptions>
  /** Another binding on the same registry, when this one has a prefix to keep it apart. */
  other?: Partial<AzureProviderOptions>
}[] = [
  { title: 'against the Azure fake', lroStyle: 'azure-async-operation', options: {} },
  {
    title: 'with a repository prefix and Location-style LROs',
    lroStyle: 'location',
    options: { repositoryPrefix: 'team-a' },
    other: { repositoryPrefix: 'team-b' },
  },
  {
    title: 'in repository-token mode',
    lroStyle: 'azure-async-operation',
    options: { credentials: 'repository-token' },
  },
]

for (const run of RUNS) {
  describe(`provider-azure ${run.title}`, () => {
    let fake: AzureFake
    beforeAll(async () => {
      // Pages of two: the suite lists more scope maps than that, so every page has to be read.
      fake = await startStrictAzureFake({ lroStyle: run.lroStyle, armPageLimit: 2 })
    })
    afterAll(() => fake.close())

    artifactRegistryContractSuite({
      test: { describe, it },
      factory: () => fakeProvider(fake, run.options),
      ...(run.other && {
        otherBinding: () => fakeProvider(fake, { ...run.options, ...run.other }),
      }),
      dataPlane: fakeDataPlane(() => fake),
    })
  })
}
