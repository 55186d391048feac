import { artifactRegistryContractSuite } from '@artifact-registry/testing'
import { type AzureFake, startAzureFake } from '@artifact-registry/testing/fakes/azure'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { fakeProvider } from './fixtures.js'

// The whole contract, through the real Azure SDK and a real ClientSecretCredential, against the
// HTTPS fake: once without a prefix (Azure-AsyncOperation LROs), once with a prefix (Location LROs).
describe('provider-azure against the Azure fake', () => {
  let fake: AzureFake
  beforeAll(async () => {
    fake = await startAzureFake({ lroStyle: 'azure-async-operation' })
  })
  afterAll(() => fake.close())

  artifactRegistryContractSuite({ test: { describe, it }, factory: () => fakeProvider(fake) })
})

describe('provider-azure with a repository prefix and Location-style LROs', () => {
  let fake: AzureFake
  beforeAll(async () => {
    fake = await startAzureFake({ lroStyle: 'location' })
  })
  afterAll(() => fake.close())

  artifactRegistryContractSuite({
    test: { describe, it },
    factory: () => fakeProvider(fake, { repositoryPrefix: 'team-a' }),
  })
})
