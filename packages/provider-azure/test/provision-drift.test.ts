import { FAKE_AZURE } from '@artifact-registry/testing/fakes/azure'
import { describe, expect, it } from 'vitest'
import { DataPlaneClient } from '../src/data-plane.js'
import { provision } from '../src/provision/index.js'
import {
  provisionOptions,
  REGISTRY_ID,
  REGISTRY_NAME,
  runtimeAssignments,
  startProvisionFake,
  summary,
  writes,
} from './provision-helpers.js'

// Converge, not just create: whatever drifted after a first run is reported and put back, and
// what someone else made the same way counts as there.

const ACR_PUSH = `/subscriptions/${FAKE_AZURE.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/8311e382-0749-4cb8-b61a-304f252e45ec`

async function provisioned() {
  const fake = await startProvisionFake()
  const first = await provision(provisionOptions(fake))
  const registry = [...fake.state.registries.values()].find((r) => r.name === REGISTRY_NAME)
  const [role] = fake.state.roleDefinitions.values()
  if (registry === undefined || role === undefined) throw new Error('nothing was provisioned')
  return { fake, first, registry, role }
}

const actions = (changes: readonly { action: string; kind: string }[]) =>
  summary(changes).filter((c) => !c.startsWith('unchanged'))

describe('provision converges', () => {
  it('puts back the SKU and a disabled admin user (update)', async () => {
    const { fake, registry } = await provisioned()
    await using _ = fake
    registry.sku = 'Basic'
    registry.adminUserEnabled = true
    const { changes } = await provision(provisionOptions(fake))
    expect(actions(changes)).toEqual(['update container-registry'])
    expect(changes[0]?.detail).toBe('sku Basic → Standard; admin user enabled → disabled')
    expect(registry).toMatchObject({ sku: 'Standard', adminUserEnabled: false })
  })

  it('turns anonymous pull off: it lets anyone pull every repository without credentials (update)', async () => {
    const { fake, first, registry } = await provisioned()
    await using _ = fake
    const loginServer = first.binding.loginServer ?? ''
    const anonymousPull = async () => {
      const client = new DataPlaneClient(loginServer, [fake.ca], 5_000)
      try {
        const query = new URLSearchParams({
          service: loginServer,
          scope: 'repository:web-app:pull',
        })
        return (await client.send('GET', `/oauth2/token?${query}`, {})).status
      } finally {
        client.close()
      }
    }
    // Someone turned it on by hand: no credential this library mints is needed to pull any more.
    registry.anonymousPullEnabled = true
    expect(await anonymousPull()).toBe(200)
    const { changes } = await provision(provisionOptions(fake))
    expect(actions(changes)).toEqual(['update container-registry'])
    expect(changes[0]?.detail).toBe('anonymous pull enabled → disabled')
    expect(registry).toMatchObject({ anonymousPullEnabled: false, sku: 'Standard' })
    expect(await anonymousPull()).toBe(401)
  })

  it('creates the registry with anonymous pull off, whatever the default', async () => {
    const fake = await startProvisionFake()
    await using _ = fake
    await provision(provisionOptions(fake))
    const put = fake.requests.find((r) => r.operation === 'registries.create')
    expect(JSON.parse(String(put?.body))).toMatchObject({
      properties: { adminUserEnabled: false, anonymousPullEnabled: false },
    })
  })

  it('repairs with a PATCH of only what drifted: tags, network access and rules stay', async () => {
    const { fake, registry } = await provisioned()
    await using _ = fake
    // Someone locked the registry down after provisioning, and turned the admin user on.
    const lockedDown = {
      tags: { ...registry.tags, owner: 'platform-team' },
      publicNetworkAccess: 'Disabled' as const,
      networkRuleSet: { defaultAction: 'Deny' as const, ipRules: [] },
    }
    Object.assign(registry, lockedDown, { adminUserEnabled: true })
    const before = fake.requests.length
    const { changes } = await provision(provisionOptions(fake))
    expect(actions(changes)).toEqual(['update container-registry'])
    expect(registry).toMatchObject({ ...lockedDown, adminUserEnabled: false, sku: 'Standard' })
    const registryWrites = writes(fake.requests.slice(before)).filter((r) =>
      r.operation.startsWith('registries.'),
    )
    expect(registryWrites.map((r) => [r.method, r.operation])).toEqual([
      ['PATCH', 'registries.update'],
    ])
  })

  it('puts back the custom role’s actions (update)', async () => {
    const { fake, role } = await provisioned()
    await using _ = fake
    role.actions = ['Microsoft.ContainerRegistry/registries/scopeMaps/read', '*']
    const { changes } = await provision(provisionOptions(fake))
    expect(actions(changes)).toEqual(['update role-definition'])
    // A PUT replaces the role as stored.
    expect(fake.state.roleDefinitions.get(role.name)?.actions).toEqual([
      'Microsoft.ContainerRegistry/registries/scopeMaps/read',
      'Microsoft.ContainerRegistry/registries/scopeMaps/write',
      'Microsoft.ContainerRegistry/registries/scopeMaps/delete',
    ])
  })

  it('makes a removed role assignment again (create)', async () => {
    const { fake, first } = await provisioned()
    await using _ = fake
    const [removed] = runtimeAssignments(fake)
    if (removed === undefined) throw new Error('no assignment')
    fake.state.roleAssignments.delete(removed.name)
    const { changes } = await provision(provisionOptions(fake))
    expect(actions(changes)).toEqual(['create role-assignment'])
    expect(changes.find((c) => c.action === 'create')?.id).toBe(removed.id)
    expect(
      runtimeAssignments(fake)
        .map((a) => a.id)
        .sort(),
    ).toEqual(
      first.changes
        .slice(2)
        .map((c) => c.id)
        .sort(),
    )
  })

  it('counts an assignment of the same principal, role and scope under another name as there', async () => {
    const { fake } = await provisioned()
    await using _ = fake
    const ours = runtimeAssignments(fake).find((a) =>
      a.roleDefinitionId.endsWith(ACR_PUSH.split('/').pop() ?? ''),
    )
    if (ours === undefined) throw new Error('no AcrPush assignment')
    fake.state.roleAssignments.delete(ours.name)
    const foreign = {
      ...ours,
      name: '0f0f0f0f-0000-4000-8000-000000000000',
      id: `${REGISTRY_ID}/providers/Microsoft.Authorization/roleAssignments/0f0f0f0f-0000-4000-8000-000000000000`,
    }
    fake.state.roleAssignments.set(foreign.name, foreign)
    const { changes } = await provision(provisionOptions(fake))
    expect(actions(changes)).toEqual([])
    expect(changes.map((c) => c.id)).toContain(foreign.id)
  })

  it('follows a change of credentials mode: the custom role gains the token actions, AcrPush goes', async () => {
    const { fake, role } = await provisioned()
    await using _ = fake
    const { changes, binding } = await provision(
      provisionOptions(fake, { credentials: 'repository-token' }),
    )
    expect(actions(changes)).toEqual(['update role-definition', 'delete role-assignment'])
    expect(fake.state.roleDefinitions.get(role.name)?.actions).toContain(
      'Microsoft.ContainerRegistry/registries/generateCredentials/action',
    )
    expect(runtimeAssignments(fake).map((a) => a.roleDefinitionId)).not.toContain(ACR_PUSH)
    expect(binding.credentials).toBe('repository-token')
  })
})
