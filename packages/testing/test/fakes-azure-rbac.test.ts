import { describe, expect, it } from 'vitest'
import { armActionOf, holdsArmAction, registryActionsOf } from '../src/fakes/azure/rbac.js'
import type { FakeAzureIdentity } from '../src/fakes/azure/state.js'

const IDENTITY: FakeAzureIdentity = { tenantId: 't', clientId: 'c', clientSecret: 's' }

describe('the Azure fake’s RBAC', () => {
  it('names the ARM action of each resource operation, and none for operation polls', () => {
    expect(armActionOf('scopeMaps.create')).toBe(
      'Microsoft.ContainerRegistry/registries/scopeMaps/write',
    )
    expect(armActionOf('tokens.list')).toBe('Microsoft.ContainerRegistry/registries/tokens/read')
    expect(armActionOf('registries.generateCredentials')).toBe(
      'Microsoft.ContainerRegistry/registries/generateCredentials/action',
    )
    expect(armActionOf('operationStatuses.get')).toBeUndefined()
  })

  it('matches ARM actions exactly or by wildcard, ignoring case; everything by default', () => {
    const scopeMapsOnly = {
      ...IDENTITY,
      armActions: ['Microsoft.ContainerRegistry/registries/scopeMaps/*'],
    }
    const write = 'Microsoft.ContainerRegistry/registries/scopeMaps/write'
    expect(holdsArmAction(scopeMapsOnly, write)).toBe(true)
    expect(holdsArmAction(scopeMapsOnly, write.toLowerCase())).toBe(true)
    expect(
      holdsArmAction(scopeMapsOnly, 'Microsoft.ContainerRegistry/registries/tokens/write'),
    ).toBe(false)
    expect(holdsArmAction({ ...IDENTITY, armActions: [write] }, `${write}x`)).toBe(false)
    expect(holdsArmAction({ ...IDENTITY, armActions: [] }, write)).toBe(false)
    expect(holdsArmAction(IDENTITY, write)).toBe(true)
  })

  it('gives each data-plane role its repository actions; registryActions wins', () => {
    expect(registryActionsOf({ ...IDENTITY, acrRoles: ['AcrPull'] })).toEqual(['pull'])
    expect(registryActionsOf({ ...IDENTITY, acrRoles: ['AcrPush'] })).toEqual(['pull', 'push'])
    expect(registryActionsOf({ ...IDENTITY, acrRoles: ['AcrDelete'] })).toEqual(['delete'])
    expect(registryActionsOf({ ...IDENTITY, acrRoles: [] })).toEqual([])
    expect(registryActionsOf(IDENTITY)).toEqual(['pull', 'push', 'delete'])
    expect(
      registryActionsOf({ ...IDENTITY, acrRoles: ['AcrPull'], registryActions: ['delete'] }),
    ).toEqual(['delete'])
  })
})
