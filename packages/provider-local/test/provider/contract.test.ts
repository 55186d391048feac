import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import { type LocalRegistry, startLocalRegistry } from '@artifact-registry/registry-server'
import { createTestPki } from '@artifact-registry/test-kit'
import { artifactRegistryContractSuite } from '@artifact-registry/testing'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { local } from '../../src/index.js'

// The README of @artifact-registry/testing shows this region (tools/test/readme-snippets.test.ts).
// #region testing-readme-data-plane
/** The registry checks expiry by this machine's clock: wait until `expiresAt` has passed. */
async function waitUntilExpired(credentials: ArtifactRegistryCredentials): Promise<void> {
  const expiresAt = credentials.expiresAt?.getTime() ?? 0
  await sleep(Math.max(0, expiresAt - Date.now()) + 1)
}

describe('embedded registry', () => {
  artifactRegistryContractSuite({
    test: { describe, it },
    factory: () => local({ bindingName: 'contract' }),
    // skopeo pushes, pulls and deletes with the credentials the provider mints
    dataPlane: { expire: waitUntilExpired, tls: false },
  })
})
// #endregion

describe('registry by URL', () => {
  const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
  let registry: LocalRegistry
  beforeAll(async () => {
    // Catalog pages of two: the suite lists more than that, so every page has to be read.
    registry = await startLocalRegistry({ adminCredentials: admin, maxPageEntries: 2 })
  })
  afterAll(() => registry.close())

  artifactRegistryContractSuite({
    test: { describe, it },
    factory: () => local({ url: registry.url, bindingName: 'by-url', adminCredentials: admin }),
    // A binding whose name starts like this one's, on the same registry.
    otherBinding: () =>
      local({ url: registry.url, bindingName: 'by-url-other', adminCredentials: admin }),
    dataPlane: { expire: waitUntilExpired, tls: false },
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
    dataPlane: { expire: waitUntilExpired, caCertificate: pki.caPem },
  })
})
