import { artifactRegistryContractSuite } from '@artifact-registry/testing'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, describe, it } from 'vitest'
import { providerFor, REPLICA } from './helpers.js'

const fake = await startAwsFake()
afterAll(() => fake.close())

describe('provider-aws against the AWS fake', () => {
  artifactRegistryContractSuite({ test: { describe, it }, factory: () => providerFor(fake) })
})

describe('provider-aws against the AWS fake, with a replica region', () => {
  artifactRegistryContractSuite({
    test: { describe, it },
    factory: () => providerFor(fake, { replicationRegions: [REPLICA] }),
  })
})
