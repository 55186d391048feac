import {
  artifactRegistryContractSuite,
  type ContractTestRunner,
  failingContractTests,
} from '@artifact-registry/testing'
import {
  type AzureFake,
  FAKE_AZURE,
  type FakeAzureIdentity,
} from '@artifact-registry/testing/fakes/azure'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AzureCredentialsMode } from '../src/index.js'
import { fakeDataPlane, fakeProvider, startStrictAzureFake } from './fixtures.js'
import { type ReadmeRoles, readmeRoles } from './readme-roles.js'

// The README's Azure roles table, taken at its word: in each credentials mode the contract suite
// (its data-plane group included) passes when the identity holds exactly the ARM actions and
// data-plane roles listed, and fails when any one of them is taken away. The fake answers ARM
// with 403 for an action the identity lacks, and the token exchange grants what its roles allow.

const MODES: readonly AzureCredentialsMode[] = ['aad-exchange', 'repository-token']
const TIMEOUT_MS = 180_000

function identityHolding(roles: ReadmeRoles): FakeAzureIdentity {
  const { tenantId, clientId, clientSecret } = FAKE_AZURE
  return {
    tenantId,
    clientId,
    clientSecret,
    armActions: roles.armActions,
    acrRoles: roles.acrRoles,
  }
}

/** Register the whole contract suite for `mode` against the fake `fake()`. */
function contractSuite(
  test: ContractTestRunner,
  mode: AzureCredentialsMode,
  fake: () => AzureFake,
): void {
  artifactRegistryContractSuite({
    test,
    factory: () => fakeProvider(fake(), { credentials: mode }),
    dataPlane: fakeDataPlane(fake),
  })
}

/** The first contract test that fails in `mode` for an identity holding `roles`. */
async function firstFailureWith(
  mode: AzureCredentialsMode,
  roles: ReadmeRoles,
): Promise<string | undefined> {
  await using fake = await startStrictAzureFake({ identities: [identityHolding(roles)] })
  // Awaited here: the fake must outlive the run.
  const [first] = await failingContractTests(
    expect,
    (test) => contractSuite(test, mode, () => fake),
    { stopAtFirstFailure: true },
  )
  return first
}

for (const mode of MODES) {
  const listed = readmeRoles(mode)

  describe(`${mode}: the README's roles pass the contract suite`, () => {
    let fake: AzureFake
    beforeAll(async () => {
      fake = await startStrictAzureFake({ identities: [identityHolding(listed)] })
    })
    afterAll(() => fake.close())
    contractSuite({ describe, it }, mode, () => fake)
  })

  describe(`${mode}: nothing less will do`, () => {
    it(
      'lists something of each kind, and this runner passes the suite with all of it',
      async () => {
        expect(listed.armActions.length).toBeGreaterThan(0)
        expect(listed.acrRoles.length).toBeGreaterThan(0)
        expect(await firstFailureWith(mode, listed)).toBeUndefined()
      },
      TIMEOUT_MS,
    )

    const entries = [
      ...listed.armActions.map((entry) => ['the ARM action', entry]),
      ...listed.acrRoles.map((entry) => ['the role', entry]),
    ]
    it.each(entries)(
      'without %s %s the suite fails',
      async (_kind, left) => {
        const roles: ReadmeRoles = {
          armActions: listed.armActions.filter((a) => a !== left),
          acrRoles: listed.acrRoles.filter((r) => r !== left),
        }
        expect(await firstFailureWith(mode, roles)).toBeDefined()
      },
      TIMEOUT_MS,
    )
  })
}
