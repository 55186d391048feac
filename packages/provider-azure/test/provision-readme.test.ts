import { deprovision, provision } from '@artifact-registry/provider-azure/provision'
import { type AzureFake, FAKE_AZURE } from '@artifact-registry/testing/fakes/azure'
import type { DefaultAzureCredential } from '@azure/identity'
import { describe, expect, it } from 'vitest'
import type { AzureCredentialsMode } from '../src/index.js'
import { RUNTIME_PERMISSIONS } from '../src/provision/runtime-permissions.js'
import { fakeDefaultCredentialClass } from './fixtures.js'
import {
  CREATED_FROM_NOTHING,
  provisionOptions,
  RUNTIME,
  startProvisionFake,
  summary,
} from './provision-helpers.js'
import { type ReadmeRoles, readmeRoles, withoutRole } from './readme-roles.js'

// The README's Provisioning section, taken at its word: its block runs as written (against the
// fake), the runtime gets exactly the Azure roles table's permissions, and the provisioning
// identity needs exactly what the section lists — with it the whole lifecycle runs, without any
// one of them it fails.

const README_PRINCIPAL = '11111111-1111-1111-1111-111111111111'

type ProvisionFn = typeof provision
type DeprovisionFn = typeof deprovision
/** A class that builds a credential the way `DefaultAzureCredential` does (no arguments). */
type CredentialClass = new () => Pick<DefaultAzureCredential, 'getToken'>

async function readmeProvisioning(
  provision: ProvisionFn,
  deprovision: DeprovisionFn,
  DefaultAzureCredential: CredentialClass,
) {
  // #region provisioning
  const options = {
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    resourceGroup: 'rg-artifacts',
    registryName: 'acmeregistry',
    location: 'eastus',
    sku: 'Standard',
    runtimePrincipalId: '11111111-1111-1111-1111-111111111111', // the runtime's Entra object id
    repositoryPrefix: 'team-a',
    credential: new DefaultAzureCredential(),
  } as const
  const { binding, changes } = await provision(options)
  // binding: { platform: 'azure', subscriptionId, resourceGroup, registryName, sku, repositoryPrefix }
  // changes: create container-registry, role-definition and 3 role-assignments; a rerun: unchanged
  const removed = await deprovision({ ...options, force: true })
  // #endregion
  return { binding, changes, removed }
}

describe('the README’s Provisioning section', () => {
  it('runs as written against the fake', async () => {
    await using fake = await startProvisionFake({
      identities: [
        {
          tenantId: FAKE_AZURE.tenantId,
          clientId: FAKE_AZURE.clientId,
          clientSecret: FAKE_AZURE.clientSecret,
        },
        { ...RUNTIME, objectId: README_PRINCIPAL },
      ],
    })
    // The fake's endpoints and CA; the README's own registry, principal and credential win.
    const wiredProvision: ProvisionFn = (options) =>
      provision({ ...provisionOptions(fake), ...options })
    const wiredDeprovision: DeprovisionFn = (options) =>
      deprovision({ ...provisionOptions(fake), ...options })
    const { binding, changes, removed } = await readmeProvisioning(
      wiredProvision,
      wiredDeprovision,
      fakeDefaultCredentialClass(fake),
    )
    expect(binding).toMatchObject({
      platform: 'azure',
      registryName: 'acmeregistry',
      sku: 'Standard',
      repositoryPrefix: 'team-a',
    })
    expect(summary(changes)).toEqual(CREATED_FROM_NOTHING)
    expect(removed.changes.map((c) => c.action)).toEqual(Array(5).fill('delete'))
  })

  it.each<AzureCredentialsMode>(['aad-exchange', 'repository-token'])(
    'gives the runtime exactly the Azure roles table’s row for %s',
    (mode) => {
      const { armActions, dataPlaneRoles } = RUNTIME_PERMISSIONS[mode]
      expect({ armActions, acrRoles: dataPlaneRoles }).toEqual(readmeRoles(mode))
    },
  )
})

describe('the provisioning identity’s permissions in the README', () => {
  const listed = readmeRoles('provisioning')

  /** Provision, provision again, deprovision, as an identity holding exactly `roles`. */
  async function lifecycle(roles: ReadmeRoles): Promise<string | undefined> {
    await using fake: AzureFake = await startProvisionFake({
      provisioner: { armActions: roles.armActions, acrRoles: roles.acrRoles },
    })
    try {
      await provision(provisionOptions(fake))
      await provision(provisionOptions(fake))
      await deprovision(provisionOptions(fake))
      return undefined
    } catch (err) {
      return (err as Error).message
    }
  }

  it('are enough for the whole lifecycle', async () => {
    expect(listed.armActions.length).toBeGreaterThan(0)
    expect(await lifecycle(listed)).toBeUndefined()
  })

  it.each([...listed.armActions, ...listed.acrRoles])(
    'are each needed: without %s it fails',
    async (dropped) => {
      expect(await lifecycle(withoutRole(listed, dropped))).toBeDefined()
    },
  )
})
