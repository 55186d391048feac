import { randomBytes } from 'node:crypto'
import { type LocalRegistry, startLocalRegistry } from '@artifact-registry/registry-server'
import { createTestPki } from '@artifact-registry/test-kit'
import { artifactRegistryContractSuite } from '@artifact-registry/testing'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { local } from '../../src/index.js'

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

const pki = await createTestPki()
describe('embedded registry over HTTPS (certificate from a private CA)', () => {
  artifactRegistryContractSuite({
    test: { describe, it },
    factory: () =>
      local({
        bindingName: 'over-tls',
        tls: { cert: pki.certPem, key: pki.keyPem },
        caCertificate: pki.caPem,
      }),
  })
})
