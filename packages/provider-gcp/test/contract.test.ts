import { artifactRegistryContractSuite } from '@artifact-registry/testing'
import { describe, it } from 'vitest'
import { KNOWN_IDENTITIES } from './helpers.js'
import { perTestFakes } from './per-test-fakes.js'

// GAR grants live on the GAR repository, so every provider gets its own (and a fake of its own,
// whose clock the data plane group moves on): tests stay isolated. Pages of two packages: the
// suite lists more than that, so every page has to be read.
const { factory, teardown, expire, otherBinding, grantees } = perTestFakes({
  ...KNOWN_IDENTITIES,
  pageLimit: 2,
})

artifactRegistryContractSuite({
  test: { describe, it },
  factory,
  teardown,
  otherBinding,
  dataPlane: { expire, tls: false },
  grantees,
})
