import { artifactRegistryContractSuite } from '@artifact-registry/testing'
import { startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { afterAll, describe, it } from 'vitest'
import { providerFor, provisionGarRepository } from './helpers.js'

const fake = await startGcpFake()
afterAll(() => fake.close())

// GAR grants live on the GAR repository, so every provider gets its own: tests stay isolated.
artifactRegistryContractSuite({
  test: { describe, it },
  factory: () => providerFor(fake, provisionGarRepository(fake).repository),
})
