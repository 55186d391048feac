import { randomBytes } from 'node:crypto'
import { artifactRegistryContractSuite } from '@artifact-registry/testing'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { type LocalRegistry, local, startLocalRegistry } from '../../src/index.js'

describe('embedded registry', () => {
  artifactRegistryContractSuite({
    test: { describe, it },
    factory: () => local({ bindingName: 'contract' }),
  })
})

describe('registry by URL', () => {
  const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
  let registry: LocalRegistry
  beforeAll(async () => {
    registry = await startLocalRegistry({ adminCredentials: admin })
  })
  afterAll(() => registry.close())

  artifactRegistryContractSuite({
    test: { describe, it },
    factory: () => local({ url: registry.url, bindingName: 'by-url', adminCredentials: admin }),
  })
})
