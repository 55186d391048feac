import { artifactRegistryContractSuite } from '@artifact-registry/testing'
import type { AzureFake } from '@artifact-registry/testing/fakes/azure'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { fakeDataPlane, fakeProvider, startStrictAzureFake } from './fixtures.js'

// The whole contract, through the real Azure SDK and a real ClientSecretCredential, against the
// HTTPS fake (which refuses ARM-audience Entra tokens at /oauth2/exchange, as a registry under the
// built-in policy does), with the data-plane group's skopeo on the fake's registry: once without a
// prefix (Azure-AsyncOperation LROs), once with a prefix (Location LROs).
describe('provider-azure against the Azure fake', () => {
  let fake: AzureFake
  beforeAll(async () => {
    fake = await startStrictAzureFake({ lroStyle: 'azure-async-operation' })
  })
  afterAll(() => fake.close())

  artifactRegistryContractSuite({
    test: { describe, it },
    factory: () => fakeProvider(fake),
    dataPlane: fakeDataPlane(() => fake),
  })
})

describe('provider-azure with a repository prefix and Location-style LROs', () => {
  let fake: AzureFake
  beforeAll(async () => {
    fake = await startStrictAzureFake({ lroStyle: 'location' })
  })
  afterAll(() => fake.close())

  artifactRegistryContractSuite({
    test: { describe, it },
    factory: () => fakeProvider(fake, { repositoryPrefix: 'team-a' }),
    dataPlane: fakeDataPlane(() => fake),
  })
})

describe('provider-azure in repository-token mode', () => {
  let fake: AzureFake
  beforeAll(async () => {
    fake = await startStrictAzureFake({ lroStyle: 'azure-async-operation' })
  })
  afterAll(() => fake.close())

  artifactRegistryContractSuite({
    test: { describe, it },
    factory: () => fakeProvider(fake, { credentials: 'repository-token' }),
    dataPlane: fakeDataPlane(() => fake),
  })
})
