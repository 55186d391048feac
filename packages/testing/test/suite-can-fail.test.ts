import { TTL_RULES } from '@artifact-registry/core'
import { describe, expect, it } from 'vitest'
import { artifactRegistryContractSuite, failingContractTests } from '../src/index.js'
import { type Fault, type ReferenceOptions, reference } from './reference-provider.js'

/** The names (without the suite's own) of the contract tests the reference provider fails. */
async function failingTests(options: ReferenceOptions): Promise<string[]> {
  // A second binding on the same store, for the listRepositories isolation test.
  const repositories = new Map<string, Date>()
  const failed = await failingContractTests(expect, (test) =>
    artifactRegistryContractSuite({
      test,
      factory: () => reference({ ...options, repositories }),
      otherBinding: () => reference({ ...options, repositories, binding: 'other' }),
    }),
  )
  return failed.map((name) => name.replace('ArtifactRegistry contract > ', ''))
}

describe('the contract suite fails on a provider that breaks the contract', () => {
  it('passes on the correct reference provider (control)', async () => {
    expect(await failingTests({ crossAccount: 'aws', list: true })).toEqual([])
  })

  it('passes on a provider refusing a listing prefix that climbs with `..`, whichever validation code it gives', async () => {
    for (const code of ['INVALID_NAME', 'INVALID_ARGUMENT'] as const) {
      expect(await failingTests({ list: true, refuseDotSegmentPrefix: code }), code).toEqual([])
    }
  })

  it('stops at the first failure when asked, naming only that one', async () => {
    const register = (test: Parameters<typeof artifactRegistryContractSuite>[0]['test']) =>
      artifactRegistryContractSuite({ test, factory: () => reference({ faults: ['delete-noop'] }) })
    const all = await failingContractTests(expect, register)
    const first = await failingContractTests(expect, register, { stopAtFirstFailure: true })
    expect(all.length).toBeGreaterThan(1)
    expect(first).toEqual(all.slice(0, 1))
  })

  const cases: [Fault, ReferenceOptions, string[]][] = [
    [
      'lying-capabilities',
      { crossAccount: null },
      ['capabilities > crossAccountAccess: null means the methods throw NOT_SUPPORTED'],
    ],
    [
      'delete-noop',
      {},
      [
        'lifecycle > deleteRepository removes it (NOT_FOUND afterwards)',
        'capabilities > implicitRepositories tells whether a deleted name still resolves',
      ],
    ],
    [
      'ttl-ignored',
      {},
      [
        'credentials > pull credentials: expiresAt follows the requested TTL within the platform limits',
        'credentials > push-pull credentials: expiresAt follows the requested TTL within the platform limits',
      ],
    ],
    [
      'push-pull-ttl-ignored',
      {},
      [
        'credentials > push-pull credentials: expiresAt follows the requested TTL within the platform limits',
      ],
    ],
    ['case-folding', {}, ['naming > names that must be adapted still work and stay distinct']],
    [
      'remove-clears-all',
      { crossAccount: 'gcp' },
      ['cross-account access > add, get and remove round-trip exactly'],
    ],
    [
      'remove-needs-account',
      { crossAccount: 'aws' },
      ['cross-account access > removing part of a grant revokes that part and keeps the rest'],
    ],
    [
      'remove-needs-account',
      { crossAccount: 'gcp' },
      ['cross-account access > removing part of a grant revokes that part and keeps the rest'],
    ],
    [
      'racy-grants',
      { crossAccount: 'aws' },
      [
        'cross-account access > changes made at once all land: a removal and an addition never undo each other',
      ],
    ],
    ['empty-name-accepted', {}, ['naming > invalid names give INVALID_NAME from createRepository']],
    [
      'host-outside-name-budget',
      {},
      ['naming > a logical name of any length gives an image name docker can use'],
    ],
    [
      'options-unchecked',
      {},
      ['credentials > a TTL in place of the options, or as a string, gives INVALID_ARGUMENT'],
    ],
    [
      'outside-not-found',
      { crossAccount: 'aws' },
      ["naming > a name outside the provider's namespace gives INVALID_ARGUMENT from every method"],
    ],
    [
      'namespace-without-separator',
      {},
      ["naming > a name outside the provider's namespace gives INVALID_ARGUMENT from every method"],
    ],
    [
      'lying-grant-scope',
      { crossAccount: 'gcp' },
      [
        'cross-account access > a grant made through one repository shows on another exactly when repositoryScopedGrants is false',
      ],
    ],
    [
      'lying-grant-scope',
      { crossAccount: 'aws', sharedGrants: true },
      [
        'cross-account access > a grant made through one repository shows on another exactly when repositoryScopedGrants is false',
      ],
    ],
    [
      'grants-by-prefix',
      { crossAccount: 'aws' },
      [
        'cross-account access > a grant made through one repository shows on another exactly when repositoryScopedGrants is false',
      ],
    ],
    [
      'list-without-capability',
      { list: true },
      ['capabilities > listRepositories exists exactly when capabilities.listRepositories is true'],
    ],
    [
      'list-unsorted',
      { list: true },
      ['listRepositories > lists created repositories, sorted, with and without a prefix'],
    ],
    ['list-first-page-only', { list: true }, ['listRepositories > every page is read']],
    [
      'list-ignores-prefix',
      { list: true },
      [
        'listRepositories > lists created repositories, sorted, with and without a prefix',
        'listRepositories > a deleted repository is not listed',
      ],
    ],
    [
      'list-other-bindings',
      { list: true },
      ["listRepositories > another binding's repositories are not listed"],
    ],
    [
      'list-prefix-resolved',
      { list: true },
      ["listRepositories > another binding's repositories are not listed"],
    ],
    [
      'list-keeps-deleted',
      { list: true },
      ['listRepositories > a deleted repository is not listed'],
    ],
    [
      'list-options-unchecked',
      { list: true },
      ['listRepositories > options that are not { prefix, signal } give INVALID_ARGUMENT'],
    ],
    [
      'grant-outside-namespace',
      { crossAccount: 'aws' },
      ["naming > a name outside the provider's namespace gives INVALID_ARGUMENT from every method"],
    ],
    [
      'delete-keeps-grants',
      { crossAccount: 'aws' },
      [
        'cross-account access > a repository deleted and created again has no grants when repositoryScopedGrants is true',
      ],
    ],
    [
      'push-pull-default-ttl-ignored',
      {},
      ['credentials > push-pull credentials: the default TTL is the declared default'],
    ],
    [
      'pull-over-limit-unclamped',
      {},
      [
        'credentials > pull credentials: a TTL beyond the platform limit is clamped, never exceeded',
      ],
    ],
    [
      'adapted-names-unstable',
      {},
      ['naming > names that must be adapted still work and stay distinct'],
    ],
    [
      'expiry-from-request',
      { credentialTtl: TTL_RULES.aws },
      [
        'credentials > pull credentials: a TTL below the platform minimum is raised to it',
        'credentials > push-pull credentials: a TTL below the platform minimum is raised to it',
      ],
    ],
    [
      'mints-for-missing',
      { crossAccount: 'aws' },
      ['lifecycle > a deleted repository gives NOT_FOUND from every method (unless implicit)'],
    ],
    [
      'grant-name-unchecked',
      { crossAccount: 'aws' },
      ['naming > invalid names give INVALID_NAME from the other methods'],
    ],
    [
      'revoke-missing-succeeds',
      { crossAccount: 'aws' },
      ['lifecycle > a deleted repository gives NOT_FOUND from every method (unless implicit)'],
    ],
    [
      'list-top-level-only',
      { list: true },
      ['listRepositories > lists created repositories, sorted, with and without a prefix'],
    ],
    [
      'delete-by-prefix',
      {},
      ['lifecycle > deleteRepository leaves the repositories whose names extend its name'],
    ],
    ['infinite-ttl-clamped', {}, ['credentials > invalid TTLs give INVALID_ARGUMENT']],
    ['zero-ttl-raised', {}, ['credentials > invalid TTLs give INVALID_ARGUMENT']],
  ]

  it.each(cases)('catches the fault %s', async (fault, options, expected) => {
    const failed = await failingTests({ ...options, faults: [fault] })
    expect(failed).toEqual(expect.arrayContaining(expected))
  })
})

describe('option validation', () => {
  it('rejects a missing runner or factory with TypeError', () => {
    const test = { describe, it }
    expect(() => artifactRegistryContractSuite({ test, factory: 'x' as never })).toThrow(TypeError)
    expect(() =>
      artifactRegistryContractSuite({ test: {} as never, factory: () => reference() }),
    ).toThrow(TypeError)
    expect(() =>
      artifactRegistryContractSuite({
        test,
        factory: () => reference(),
        exclude: ['nope' as never],
      }),
    ).toThrow(TypeError)
  })
})
