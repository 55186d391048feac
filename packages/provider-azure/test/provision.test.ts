import { parseBinding } from '@artifact-registry/core'
import { FAKE_AZURE } from '@artifact-registry/testing/fakes/azure'
import { describe, expect, it } from 'vitest'
import { provision } from '../src/provision/index.js'
import {
  CREATED_FROM_NOTHING,
  provisionOptions,
  REGISTRY_ID,
  REGISTRY_NAME,
  runtimeAssignments,
  startProvisionFake,
  summary,
  writes,
} from './provision-helpers.js'

// provision() through the real @azure/arm-containerregistry and @azure/arm-authorization
// clients against the fake: what a first run makes, and that a second changes nothing.

const ACR_PUSH = '8311e382-0749-4cb8-b61a-304f252e45ec'
const ACR_DELETE = 'c2f4ef07-c644-48eb-af81-4b1b4947fb11'
const roleOf = (id: string) => id.split('/').pop()

describe('provision', () => {
  it('creates the registry (admin user off), the custom role and the runtime’s role assignments', async () => {
    await using fake = await startProvisionFake()
    const { binding, changes } = await provision(provisionOptions(fake, { sku: 'Premium' }))
    expect(summary(changes)).toEqual(CREATED_FROM_NOTHING)
    expect(changes[0]?.id).toBe(REGISTRY_ID)
    const registry = [...fake.state.registries.values()].find((r) => r.name === REGISTRY_NAME)
    expect(registry).toMatchObject({
      sku: 'Premium',
      location: 'eastus',
      adminUserEnabled: false,
      provisioningState: 'Succeeded',
    })
    const [role] = fake.state.roleDefinitions.values()
    expect(role?.actions).toEqual([
      'Microsoft.ContainerRegistry/registries/scopeMaps/read',
      'Microsoft.ContainerRegistry/registries/scopeMaps/write',
      'Microsoft.ContainerRegistry/registries/scopeMaps/delete',
    ])
    const assignments = runtimeAssignments(fake)
    expect(assignments.map((a) => a.scope)).toEqual([REGISTRY_ID, REGISTRY_ID, REGISTRY_ID])
    expect(assignments.map((a) => roleOf(a.roleDefinitionId)).sort()).toEqual(
      [role?.name, ACR_PUSH, ACR_DELETE].sort(),
    )
    expect(
      changes
        .slice(2)
        .map((c) => c.id)
        .sort(),
    ).toEqual(assignments.map((a) => a.id).sort())
    // ARM names the login server; in the fake it is not {name}.azurecr.io, so the binding says it.
    const { loginServer } = fake.providerOptions(REGISTRY_NAME)
    expect(binding).toEqual({
      platform: 'azure',
      subscriptionId: FAKE_AZURE.subscriptionId,
      resourceGroup: FAKE_AZURE.resourceGroup,
      registryName: REGISTRY_NAME,
      sku: 'Premium',
      loginServer,
    })
    expect(parseBinding(binding)).toEqual(binding)
  })

  it('is idempotent: a second run reports every resource unchanged and writes nothing', async () => {
    await using fake = await startProvisionFake()
    const first = await provision(provisionOptions(fake, { repositoryPrefix: 'team-a' }))
    fake.reset()
    const second = await provision(provisionOptions(fake, { repositoryPrefix: 'team-a' }))
    expect(second.changes.map((c) => c.action)).toEqual(Array(5).fill('unchanged'))
    expect(second.changes.map((c) => c.id)).toEqual(first.changes.map((c) => c.id))
    expect(second.binding).toEqual(first.binding)
    expect(second.binding.repositoryPrefix).toBe('team-a')
    expect(writes(fake.requests)).toEqual([])
  })

  it('names what it makes deterministically: another run from nothing makes the same ids', async () => {
    const ids = async () => {
      await using fake = await startProvisionFake()
      return (await provision(provisionOptions(fake))).changes.map((c) => c.id)
    }
    expect(await ids()).toEqual(await ids())
  })

  it('reports each change to onChange as it is decided', async () => {
    await using fake = await startProvisionFake()
    const seen: string[] = []
    const { changes } = await provision(
      provisionOptions(fake, { onChange: (c) => seen.push(`${c.action} ${c.id}`) }),
    )
    expect(seen).toEqual(changes.map((c) => `${c.action} ${c.id}`))
  })
})
