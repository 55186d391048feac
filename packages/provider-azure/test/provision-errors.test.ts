import { armError } from '@artifact-registry/testing/fakes/azure'
import { describe, expect, it } from 'vitest'
import { type AzureProvisionOptions, deprovision, provision } from '../src/provision/index.js'
import { rejectionOf } from './fixtures.js'
import {
  deprovisionOptions,
  PROVISIONED_REGISTRY,
  provisionOptions,
  REGISTRY_NAME,
  startProvisionFake,
  writes,
} from './provision-helpers.js'

// What provision refuses, and how: bad options before any call, ARM's refusals with its reason,
// a login server that never answers, and a cancelled run.

describe('provision refuses', () => {
  it('invalid options with INVALID_CONFIG listing each bad field, before any call', async () => {
    await using fake = await startProvisionFake()
    const err = await rejectionOf(
      provision({
        ...provisionOptions(fake),
        registryName: 'ab',
        location: '',
        sku: undefined as unknown as 'Basic',
        runtimePrincipalId: 'runtime-app',
        credentials: 'admin' as 'aad-exchange',
        loginServerTimeoutMs: 0,
        dryRun: 'yes' as unknown as boolean,
        onChange: 'log' as unknown as () => void,
        signal: {} as AbortSignal,
      }),
    )
    expect(err).toMatchObject({ code: 'INVALID_CONFIG', platform: 'azure' })
    const issues = (err as unknown as { issues: { path: string }[] }).issues.map((i) => i.path)
    expect(issues.sort()).toEqual([
      'credentials',
      'dryRun',
      'location',
      'loginServerTimeoutMs',
      'onChange',
      'registryName',
      'runtimePrincipalId',
      'signal',
      'sku',
    ])
    expect(fake.requests).toEqual([])
  })

  it('a field it does not know, naming it, before any call (provision and deprovision)', async () => {
    await using fake = await startProvisionFake()
    // Misspelt, the credentials mode would fall back to aad-exchange, which assigns the runtime
    // identity data-plane roles, without a word.
    const typo = { credentialsMode: 'repository-token' }
    for (const [run, purpose] of [
      [() => provision({ ...provisionOptions(fake), ...typo }), 'provision'],
      [() => deprovision({ ...deprovisionOptions(fake), ...typo }), 'deprovision'],
    ] as const) {
      const err = await rejectionOf(run())
      expect(err).toMatchObject({
        code: 'INVALID_CONFIG',
        issues: [{ path: 'credentialsMode', message: `is not an option of ${purpose}` }],
      })
    }
    expect(fake.requests).toEqual([])
  })

  it('a name another resource group holds (names are global): CONFLICT from ARM’s name check, dry run too', async () => {
    await using fake = await startProvisionFake({
      registries: [{ name: REGISTRY_NAME.toUpperCase(), resourceGroup: 'rg-other' }],
    })
    for (const dryRun of [true, false]) {
      const err = await rejectionOf(provision(provisionOptions(fake, { dryRun })))
      expect(err).toMatchObject({ code: 'CONFLICT' })
      expect(err.message).toContain('AlreadyExists')
    }
    expect(writes(fake.requests)).toEqual([])
  })

  it('a name taken between the check and the create: CONFLICT with ARM’s AlreadyInUse', async () => {
    await using fake = await startProvisionFake({
      registries: [{ name: REGISTRY_NAME, resourceGroup: 'rg-other' }],
    })
    fake.inject('registries.checkNameAvailability', { status: 200, body: { nameAvailable: true } })
    const err = await rejectionOf(provision(provisionOptions(fake)))
    expect(err).toMatchObject({ code: 'CONFLICT' })
    expect(err.message).toContain('AlreadyInUse')
  })

  it('a registry in another location: CONFLICT, and nothing is written', async () => {
    await using fake = await startProvisionFake({
      registries: [{ ...PROVISIONED_REGISTRY, location: 'westeurope' }],
    })
    const err = await rejectionOf(provision(provisionOptions(fake)))
    expect(err).toMatchObject({ code: 'CONFLICT' })
    expect(err.message).toContain('westeurope')
    expect(writes(fake.requests)).toEqual([])
  })

  it('a runtime principal Entra ID does not know: ARM’s PrincipalNotFound, once replication had its time', async () => {
    await using fake = await startProvisionFake()
    const err = await rejectionOf(
      provision(
        provisionOptions(fake, { runtimePrincipalId: '0b1ec700-0000-4000-8000-0000000000ff' }),
      ),
    )
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(err.message).toContain('PrincipalNotFound')
    // Asked once, then 30 more times, a poll interval apart: a new principal takes time to reach ARM.
    expect(fake.requestsFor('roleAssignments.create')).toHaveLength(31)
  })

  it('waits out a custom role or principal ARM does not know yet (replication)', async () => {
    await using fake = await startProvisionFake()
    const notYet = armError(
      400,
      'RoleDefinitionDoesNotExist',
      'The specified role definition does not exist.',
    )
    fake.inject('roleAssignments.create', notYet, { times: 2 })
    const { changes } = await provision(provisionOptions(fake))
    expect(changes.map((c) => c.action)).toEqual(Array(5).fill('create'))
    expect(fake.requestsFor('roleAssignments.create')).toHaveLength(5)
    expect(fake.state.roleAssignments.size).toBe(3)
  })

  it('a login server that never answers: UNAVAILABLE naming it, after loginServerTimeoutMs', async () => {
    await using fake = await startProvisionFake({ registries: [PROVISIONED_REGISTRY] })
    const registry = [...fake.state.registries.values()][0]
    fake.inject('registries.get', {
      status: 200,
      body: {
        id: registry?.id,
        name: REGISTRY_NAME,
        location: 'eastus',
        sku: { name: 'Standard' },
        tags: registry?.tags,
        properties: {
          loginServer: '127.0.0.1:1',
          provisioningState: 'Succeeded',
          adminUserEnabled: false,
        },
      },
    })
    const err = await rejectionOf(provision(provisionOptions(fake, { loginServerTimeoutMs: 50 })))
    expect(err).toMatchObject({ code: 'UNAVAILABLE' })
    expect(err.message).toContain('127.0.0.1:1')
  })

  it('deprovision needs no location or sku, but checks them when given, before any call', async () => {
    await using fake = await startProvisionFake()
    const { location, sku, ...withoutCreateOnly } = provisionOptions(fake)
    expect(await deprovision(withoutCreateOnly)).toMatchObject({ changes: [] })
    const err = await rejectionOf(
      deprovision({ ...withoutCreateOnly, sku: 'Gold' as 'Basic', location: '' }),
    )
    expect(err).toMatchObject({ code: 'INVALID_CONFIG' })
    const issues = (err as unknown as { issues: { path: string }[] }).issues.map((i) => i.path)
    expect(issues.sort()).toEqual(['location', 'sku'])
    const missing = await rejectionOf(provision(withoutCreateOnly as AzureProvisionOptions))
    expect(missing).toMatchObject({ code: 'INVALID_CONFIG' })
    expect(writes(fake.requests)).toEqual([])
  })

  it('deprovision’s force when it is not a boolean, before any call', async () => {
    await using fake = await startProvisionFake()
    const err = await rejectionOf(
      deprovision(deprovisionOptions(fake, { force: 'yes' as unknown as boolean })),
    )
    expect(err).toMatchObject({ code: 'INVALID_CONFIG', issues: [{ path: 'force' }] })
    expect(fake.requests).toEqual([])
  })
})

describe('provision with a signal', () => {
  it('stops at the next call once aborted, rejecting with the signal’s reason', async () => {
    await using fake = await startProvisionFake()
    const controller = new AbortController()
    const reason = new Error('stop here')
    const options: AzureProvisionOptions = provisionOptions(fake, {
      signal: controller.signal,
      onChange: (change) => {
        if (change.kind === 'role-definition') controller.abort(reason)
      },
    })
    await expect(provision(options)).rejects.toBe(reason)
    expect(fake.state.registries.size).toBe(1)
    expect(fake.state.roleDefinitions.size).toBe(0)
    expect(fake.state.roleAssignments.size).toBe(0)
  })

  it('refuses a signal that is already aborted before any call', async () => {
    await using fake = await startProvisionFake()
    const reason = new Error('never started')
    await expect(
      provision(provisionOptions(fake, { signal: AbortSignal.abort(reason) })),
    ).rejects.toBe(reason)
    expect(fake.requests).toEqual([])
  })
})
