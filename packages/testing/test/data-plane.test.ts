import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ArtifactRegistry } from '@artifact-registry/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dataPlaneTests } from '../src/index.js'
import { named, runGroup } from './collect-group.js'
import {
  type DataPlaneFault,
  type DataPlaneRegistry,
  referenceWithDataPlane,
  startDataPlaneRegistry,
  waitUntilExpired,
} from './data-plane-reference.js'

const GROUP_TIMEOUT_MS = 60_000
/** The grant tests: skipped for the reference provider, which grants no other account. */
const GRANT_TESTS = [
  'data plane: a grant lets its grantee pull, never push or delete, until it is removed',
  'data plane: a grant reaches only its repository, and not the name created again',
]
const dataPlane = { expire: waitUntilExpired, tls: false }

let plane: DataPlaneRegistry
beforeAll(async () => {
  plane = await startDataPlaneRegistry()
})
afterAll(() => plane?.registry.close())

/**
 * Run the whole group, outside vitest's runner, against the provider `factory` makes, with a
 * correct provider of another binding on the same registry.
 */
const runDataPlane = (factory: () => ArtifactRegistry) =>
  runGroup((test) => dataPlaneTests({ test, factory, dataPlane, otherBinding }))
const otherBinding = () => referenceWithDataPlane(plane, { binding: 'other' })

describe('the data plane group on the reference provider backed by a real registry', () => {
  dataPlaneTests({
    test: { describe, it },
    factory: () => referenceWithDataPlane(plane),
    otherBinding: () => referenceWithDataPlane(plane, { binding: 'other' }),
    dataPlane,
  })
})

describe('the data plane group fails on a provider that breaks the data plane', () => {
  const cases: [DataPlaneFault, string[]][] = [
    [
      'pull-can-push',
      [
        'data plane: a push with pull credentials is refused',
        'data plane: a delete with pull credentials is refused',
      ],
    ],
    [
      'admin-for-everything',
      [
        'data plane: a push with pull credentials is refused',
        'data plane: a delete with pull credentials is refused',
        'data plane: credentials for one repository are refused on another',
        "data plane: credentials are refused on another binding's repository of the same name",
        'data plane: credentials work until expiresAt and are refused after it',
        'data plane: deleteRepository revokes its credentials: refused on the name created again',
      ],
    ],
    ['expires-early', ['data plane: credentials work until expiresAt and are refused after it']],
    [
      'pull-outlives-expiry',
      ['data plane: credentials work until expiresAt and are refused after it'],
    ],
    [
      'delete-keeps-images',
      [
        'data plane: deleteRepository deletes the images: the name created again holds none',
        'data plane: deleteRepository revokes its credentials: refused on the name created again',
      ],
    ],
    [
      'delete-keeps-credentials',
      ['data plane: deleteRepository revokes its credentials: refused on the name created again'],
    ],
    [
      'delete-by-prefix',
      ['data plane: deleteRepository deletes the images: the name created again holds none'],
    ],
    [
      'nested-names-unscoped',
      ['data plane: credentials for one repository are refused on another'],
    ],
    [
      'revokes-on-create',
      ['data plane: deleteRepository revokes its credentials: refused on the name created again'],
    ],
  ]

  it.each(cases)(
    'catches the fault %s, and only where it shows',
    async (fault, expected) => {
      const outcomes = await runDataPlane(() => referenceWithDataPlane(plane, { faults: [fault] }))
      expect(named(outcomes, 'failed').sort()).toEqual([...expected].sort())
    },
    GROUP_TIMEOUT_MS,
  )
})

describe('the data plane group skips and fails as documented', () => {
  it('skips every test, naming the option, when dataPlane is not given', async () => {
    let made = 0
    const outcomes = await runGroup((test) =>
      dataPlaneTests({
        test,
        factory: () => {
          made += 1
          return referenceWithDataPlane(plane)
        },
      }),
    )
    expect(outcomes.length).toBeGreaterThanOrEqual(6)
    for (const outcome of outcomes) {
      expect(outcome.name).toContain('data plane')
      expect(outcome.status).toBe('skipped')
      expect(outcome.detail).toContain('options.dataPlane')
    }
    expect(made, 'no provider is made for a skipped test').toBe(0)
  })

  it(
    'skips the revocation test, with the reason, for a provider that does not revoke on delete',
    async () => {
      const outcomes = await runDataPlane(() =>
        referenceWithDataPlane(plane, { revokesCredentialsOnDelete: false }),
      )
      const skipped = outcomes.filter((o) => o.status === 'skipped')
      expect(skipped.map((o) => o.name)).toEqual([
        'data plane: deleteRepository revokes its credentials: refused on the name created again',
        ...GRANT_TESTS,
      ])
      expect(skipped[0]?.detail).toContain('revokesCredentialsOnDelete')
      expect(named(outcomes, 'failed')).toEqual([])
    },
    GROUP_TIMEOUT_MS,
  )

  it(
    'skips "another repository", with the reason, for credentials that are not repository-scoped',
    async () => {
      const outcomes = await runDataPlane(() =>
        referenceWithDataPlane(plane, { repositoryScopedCredentials: false }),
      )
      const skipped = outcomes.filter((o) => o.status === 'skipped')
      expect(skipped.map((o) => o.name)).toEqual([
        'data plane: credentials for one repository are refused on another',
        "data plane: credentials are refused on another binding's repository of the same name",
        ...GRANT_TESTS,
      ])
      for (const { detail } of skipped.slice(0, 2))
        expect(detail).toContain('repositoryScopedCredentials: false')
      expect(named(outcomes, 'failed')).toEqual([])
    },
    GROUP_TIMEOUT_MS,
  )

  it(
    'skips "another binding", naming the option, when otherBinding is not given',
    async () => {
      const outcomes = await runGroup((test) =>
        dataPlaneTests({ test, factory: () => referenceWithDataPlane(plane), dataPlane }),
      )
      const skipped = outcomes.filter((o) => o.status === 'skipped')
      expect(skipped.map((o) => o.name)).toEqual([
        "data plane: credentials are refused on another binding's repository of the same name",
        ...GRANT_TESTS,
      ])
      expect(skipped[0]?.detail).toContain('options.otherBinding')
      expect(named(outcomes, 'failed')).toEqual([])
    },
    GROUP_TIMEOUT_MS,
  )

  it(
    'skips the grant tests, with the reason, without cross-account support or options.grantees',
    async () => {
      const withoutGrants = await runDataPlane(() => referenceWithDataPlane(plane))
      const granting = (): ArtifactRegistry => {
        const provider = referenceWithDataPlane(plane)
        return {
          ...provider,
          capabilities: { ...provider.capabilities, crossAccountAccess: 'aws' },
        }
      }
      const withoutGrantees = await runDataPlane(granting)
      for (const [outcomes, reason] of [
        [withoutGrants, 'crossAccountAccess: null'],
        [withoutGrantees, 'options.grantees not given'],
      ] as const) {
        const skipped = outcomes.filter((o) => o.status === 'skipped')
        expect(skipped.map((o) => o.name)).toEqual(GRANT_TESTS)
        for (const { detail } of skipped) expect(detail).toContain(reason)
      }
    },
    GROUP_TIMEOUT_MS,
  )

  it('fails with a clear message when skopeo is not on PATH', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'no-skopeo-'))
    const path = process.env.PATH
    process.env.PATH = empty
    try {
      const outcomes = await runDataPlane(() => referenceWithDataPlane(plane))
      const failed = outcomes.filter((o) => o.status === 'failed')
      expect(failed.length).toBeGreaterThan(0)
      for (const outcome of failed) expect(outcome.detail).toMatch(/needs skopeo on PATH/)
    } finally {
      process.env.PATH = path
      await rm(empty, { recursive: true, force: true })
    }
  })

  it('fails with a clear message for bearer credentials, which skopeo takes only as a flag', async () => {
    const bearer = (): ArtifactRegistry => {
      const provider = referenceWithDataPlane(plane)
      return {
        ...provider,
        capabilities: { ...provider.capabilities, credentialAuthMethod: 'bearer' },
        async generateCredentials(name, permission, ttl) {
          const credentials = await provider.generateCredentials(name, permission, ttl)
          return { ...credentials, authMethod: 'bearer', username: '' }
        },
      }
    }
    const outcomes = await runDataPlane(bearer)
    const failed = outcomes.filter((o) => o.status === 'failed')
    expect(failed.length).toBeGreaterThanOrEqual(6)
    for (const outcome of failed) expect(outcome.detail).toMatch(/needs basic credentials/)
  })
})
