import { artifactRegistryContractSuite } from '@artifact-registry/testing'
import { describe, it } from 'vitest'
import { perTestFakes } from './per-test-fakes.js'

// GAR grants live on the GAR repository, so every provider gets its own (and a fake of its own,
// whose clock the data plane group moves on): tests stay isolated.
const { factory, teardown, expire, otherBinding } = perTestFakes()

artifactRegistryContractSuite({
  test: { describe, it },
  factory,
  teardown,
  otherBinding,
  dataPlane: { expire, tls: false },
})
