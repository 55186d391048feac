import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import { MANAGED_TAG, PREFIX_TAG } from '../src/provision/ownership.js'
import { rejectionOf } from './fixtures.js'
import {
  deprovisionOptions,
  provisionOptions,
  REGISTRY_NAME,
  runtimeAssignments,
  startProvisionFake,
  summary,
  writes,
} from './provision-helpers.js'

// Provisioning takes over or deletes only a registry it created: the one carrying its tag.

describe('a registry provisioning did not create', () => {
  it.each([
    [undefined, '/'],
    ['team-a', 'team-a'],
  ])(
    'is tagged as ours, and for prefix %s, when provisioning creates it',
    async (prefix, value) => {
      await using fake = await startProvisionFake()
      await provision(provisionOptions(fake, { repositoryPrefix: prefix }))
      const [registry] = fake.state.registries.values()
      expect(registry?.tags).toEqual({ [MANAGED_TAG]: 'true', [PREFIX_TAG]: value })
    },
  )

  it('is CONFLICT for provision, naming it, and nothing is written', async () => {
    await using fake = await startProvisionFake({
      registries: [{ name: REGISTRY_NAME, tags: { owner: 'platform-team' } }],
    })
    for (const dryRun of [true, false]) {
      const err = await rejectionOf(provision(provisionOptions(fake, { dryRun })))
      expect(err).toMatchObject({ code: 'CONFLICT', platform: 'azure' })
      expect(err.message).toContain(`Registry "${REGISTRY_NAME}"`)
      expect(err.message).toContain(MANAGED_TAG)
    }
    expect(writes(fake.requests)).toEqual([])
    expect(runtimeAssignments(fake)).toEqual([])
  })

  it('is CONFLICT for deprovision, even with force, and stays', async () => {
    await using fake = await startProvisionFake({ registries: [{ name: REGISTRY_NAME }] })
    const err = await rejectionOf(deprovision(deprovisionOptions(fake, { force: true })))
    expect(err).toMatchObject({ code: 'CONFLICT' })
    expect(err.message).toContain('will not delete it')
    expect(fake.state.registries.size).toBe(1)
    expect(writes(fake.requests)).toEqual([])
  })

  it('that records no binding (no prefix tag) is CONFLICT for both verbs, saying how to hand it over', async () => {
    await using fake = await startProvisionFake({
      registries: [{ name: REGISTRY_NAME, tags: { [MANAGED_TAG]: 'true' } }],
    })
    for (const run of [
      provision(provisionOptions(fake, { dryRun: true })),
      provision(provisionOptions(fake)),
      deprovision(deprovisionOptions(fake, { force: true })),
    ]) {
      const err = await rejectionOf(run)
      expect(err).toMatchObject({ code: 'CONFLICT', platform: 'azure' })
      expect(err.message).toContain(`records no binding (it has no tag ${PREFIX_TAG})`)
      expect(err.message).toContain(`${PREFIX_TAG}=/`)
    }
    expect(writes(fake.requests)).toEqual([])
    expect(fake.state.registries.size).toBe(1)
  })

  it('is managed once its owner adds the tags by hand', async () => {
    await using fake = await startProvisionFake({
      registries: [
        { name: REGISTRY_NAME, tags: { [MANAGED_TAG]: 'true', [PREFIX_TAG]: '/', owner: 'me' } },
      ],
    })
    const { changes } = await provision(provisionOptions(fake))
    expect(summary(changes)[0]).toBe('unchanged container-registry')
    await deprovision(deprovisionOptions(fake, { force: true }))
    expect(fake.state.registries.size).toBe(0)
  })
})
