import type {
  ArtifactRegistry,
  CrossAccountAccess,
  CrossAccountPermissions,
} from '@artifact-registry/core'
import { checkOptions, expectCode, registryTest, uniqueName } from '../context.js'
import type { ContractSuiteOptions, ContractTestContext } from '../types.js'

/** Two disjoint sample grants per access type, used for the round-trip checks. */
export const SAMPLE_ACCESS: {
  readonly aws: readonly [CrossAccountAccess, CrossAccountAccess]
  readonly gcp: readonly [CrossAccountAccess, CrossAccountAccess]
} = {
  aws: [
    {
      type: 'aws',
      accountIds: ['111111111111'],
      roleArns: ['arn:aws:iam::222222222222:role/puller'],
      regions: ['us-east-1'],
      allowedServiceTypes: ['worker'],
    },
    {
      type: 'aws',
      accountIds: ['333333333333'],
      roleArns: [],
      regions: [],
      allowedServiceTypes: [],
    },
  ],
  gcp: [
    {
      type: 'gcp',
      projectNumbers: ['123456789012'],
      serviceAccountEmails: ['puller@other-project.iam.gserviceaccount.com'],
      allowedServiceTypes: ['worker'],
    },
    {
      type: 'gcp',
      projectNumbers: [],
      serviceAccountEmails: ['ci@third-project.iam.gserviceaccount.com'],
      allowedServiceTypes: [],
    },
  ],
}

/**
 * Cross-account: add, get and remove round-trip exactly (when the provider declares support),
 * also when made at once and when part of a grant is removed; access of the other type and
 * malformed ids give `INVALID_ARGUMENT`; a grant shows on another repository exactly when
 * `capabilities.repositoryScopedGrants` is `false`, and, when it is `true`, does not outlive its
 * repository (the name created again has none). Skipped when `capabilities.crossAccountAccess`
 * is `null` (the capabilities group checks `NOT_SUPPORTED`).
 */
export function crossAccountTests<R extends ArtifactRegistry>(
  options: ContractSuiteOptions<R>,
): void {
  checkOptions(options)

  options.test.describe('cross-account access', () => {
    crossAccountTest(options, 'a new repository has no grants', async (r, t, { type, name }) => {
      const granted = await r.getCrossAccountAccess(name)
      t.expect(normalize(granted.access)).toEqual(normalize(empty(type)))
      expectLastUpdated(t, granted)
    })

    crossAccountTest(options, 'add, get and remove round-trip exactly', async (r, t, fixture) => {
      const { type, name, expectGrants } = fixture
      const [a, b] = SAMPLE_ACCESS[type]
      await r.addCrossAccountAccess(name, a)
      await expectGrants(a)
      await r.addCrossAccountAccess(name, b)
      const both = normalize((await r.getCrossAccountAccess(name)).access)
      for (const [field, values] of Object.entries(normalize(b))) {
        if (Array.isArray(values)) t.expect(both[field]).toEqual(t.expect.arrayContaining(values))
      }
      await r.removeCrossAccountAccess(name, b)
      await expectGrants(a)
      await r.removeCrossAccountAccess(name, a)
      await expectGrants(empty(type))
    })

    // Changes that must leave a repository granted `a` with exactly `a`.
    const leavingTheGrant: readonly [string, Change][] = [
      [
        'adding the same grant twice equals adding it once',
        (r, name, [a]) => r.addCrossAccountAccess(name, a),
      ],
      [
        'removing a grant that was never made leaves the others',
        (r, name, [, b]) => r.removeCrossAccountAccess(name, b),
      ],
    ]
    for (const [title, change] of leavingTheGrant) {
      crossAccountTest(options, title, async (r, _t, { type, name, expectGrants }) => {
        const [a] = SAMPLE_ACCESS[type]
        await r.addCrossAccountAccess(name, a)
        await change(r, name, SAMPLE_ACCESS[type])
        await expectGrants(a)
      })
    }

    // A provider that records grants per call (one policy statement, one IAM condition) and
    // removes only what matches a whole one, or skips a removal that names no account, leaves
    // the part asked to be revoked in place: the suite's other removals each undo a whole add.
    crossAccountTest(
      options,
      'removing part of a grant revokes that part and keeps the rest',
      async (r, _t, { type, name, expectGrants }) => {
        const [a] = SAMPLE_ACCESS[type]
        const [individuals, rest] = splitIndividuals(a)
        await r.addCrossAccountAccess(name, a)
        await r.removeCrossAccountAccess(name, individuals)
        await expectGrants(rest)
        await r.addCrossAccountAccess(name, a)
        await r.removeCrossAccountAccess(name, rest)
        await expectGrants(individuals)
      },
    )

    // A grant change is a read-modify-write of one policy: without the platform's concurrency
    // control (or a lock of the provider's where it has none), the later write of two that
    // overlap drops the earlier one, and a revocation can come back as a grant.
    crossAccountTest(
      options,
      'changes made at once all land: a removal and an addition never undo each other',
      async (r, _t, { type, name, expectGrants }) => {
        const [a, b] = SAMPLE_ACCESS[type]
        await Promise.all([r.addCrossAccountAccess(name, a), r.addCrossAccountAccess(name, b)])
        await expectGrants(union(a, b))
        await Promise.all([
          r.removeCrossAccountAccess(name, a),
          r.removeCrossAccountAccess(name, b),
        ])
        await expectGrants(empty(type))
        await r.addCrossAccountAccess(name, a)
        await Promise.all([r.removeCrossAccountAccess(name, a), r.addCrossAccountAccess(name, b)])
        await expectGrants(b)
      },
    )

    crossAccountTest(
      options,
      'access of the other type or with malformed ids is refused',
      async (r, t, { type, name, expectGrants }) => {
        const [other] = SAMPLE_ACCESS[type === 'aws' ? 'gcp' : 'aws']
        await expectCode(t, r.addCrossAccountAccess(name, other), 'INVALID_ARGUMENT')
        const malformed: CrossAccountAccess =
          type === 'aws'
            ? { type, accountIds: ['12345'], roleArns: [], regions: [], allowedServiceTypes: [] }
            : {
                type,
                projectNumbers: [],
                serviceAccountEmails: ['not an email'],
                allowedServiceTypes: [],
              }
        await expectCode(t, r.addCrossAccountAccess(name, malformed), 'INVALID_ARGUMENT')
        // A type that cannot be turned into text (a bigint, an object without a prototype): the
        // message naming it must not throw a TypeError of its own.
        for (const odd of [10n, Object.create(null)]) {
          const access = { ...empty(type), type: odd } as unknown as CrossAccountAccess
          await expectCode(t, r.addCrossAccountAccess(name, access), 'INVALID_ARGUMENT')
          await expectCode(t, r.removeCrossAccountAccess(name, access), 'INVALID_ARGUMENT')
        }
        await expectGrants(empty(type))
      },
    )

    // A grant outliving its repository would give the accounts of the deleted one pull access to
    // whatever is pushed next under the name. Grants kept on something wider than the repository
    // (repositoryScopedGrants: false, GAR's) outlive it by design.
    crossAccountTest(
      options,
      'a repository deleted and created again has no grants when repositoryScopedGrants is true',
      async (r, t, { type, expectGrants }) => {
        if (!r.capabilities.repositoryScopedGrants)
          return t.skip(
            'provider declares repositoryScopedGrants: false: its grants are kept beyond one repository',
          )
        const logical = uniqueName('xacct')
        const { name } = await r.createRepository(logical)
        await r.addCrossAccountAccess(name, SAMPLE_ACCESS[type][0])
        await r.deleteRepository(name)
        t.expect((await r.createRepository(logical)).name).toBe(name)
        await expectGrants(empty(type), name)
      },
    )

    crossAccountTest(
      options,
      'a grant made through one repository shows on another exactly when repositoryScopedGrants is false',
      async (r, t, { type }) => {
        const [a] = SAMPLE_ACCESS[type]
        const logical = uniqueName('xacct')
        const { name } = await r.createRepository(logical)
        // An unrelated name, and names that extend the granted one's: a grant kept as a pattern
        // (`a*`, `a/*`), or read back by one, reaches those and not an unrelated name.
        const others = [uniqueName('xacct'), `${logical}-b`, `${logical}/b`]
        await r.addCrossAccountAccess(name, a)
        const expected = normalize(r.capabilities.repositoryScopedGrants ? empty(type) : a)
        for (const logicalOther of others) {
          const other = (await r.createRepository(logicalOther)).name
          const { access } = await r.getCrossAccountAccess(other)
          t.expect(normalize(access), `the grants on ${other}, granted on ${name}`).toEqual(
            expected,
          )
        }
        await r.removeCrossAccountAccess(name, a)
        t.expect(normalize((await r.getCrossAccountAccess(name)).access)).toEqual(
          normalize(empty(type)),
        )
      },
    )
  })
}

/** What each cross-account test starts from: the provider's access type and a fresh repository. */
interface CrossAccountFixture {
  readonly type: 'aws' | 'gcp'
  /** The repository, created for this test. */
  readonly name: string
  /** Expect the grants on `repository` (this test's by default) to equal `expected`, as sets. */
  readonly expectGrants: (expected: CrossAccountAccess, repository?: string) => Promise<void>
}

/** A change to the grants on repository `name`, given the provider's two sample grants. */
type Change = (
  registry: ArtifactRegistry,
  name: string,
  samples: readonly [CrossAccountAccess, CrossAccountAccess],
) => Promise<void>

/**
 * Register a cross-account test: skipped when the provider declares no cross-account access,
 * otherwise given a fresh repository to grant on.
 */
function crossAccountTest<R extends ArtifactRegistry>(
  options: ContractSuiteOptions<R>,
  title: string,
  body: (registry: R, context: ContractTestContext, fixture: CrossAccountFixture) => Promise<void>,
): void {
  registryTest(options, title, async (r, t) => {
    const type = r.capabilities.crossAccountAccess
    if (type === null) {
      t.skip('provider declares crossAccountAccess: null')
      return
    }
    const { name } = await r.createRepository(uniqueName('xacct'))
    const expectGrants = async (expected: CrossAccountAccess, repository = name): Promise<void> => {
      const granted = await r.getCrossAccountAccess(repository)
      t.expect(normalize(granted.access)).toEqual(normalize(expected))
    }
    await body(r, t, { type, name, expectGrants })
  })
}

/** An access value of the given type that grants nothing. */
export function empty(type: 'aws' | 'gcp'): CrossAccountAccess {
  return type === 'aws'
    ? { type, accountIds: [], roleArns: [], regions: [], allowedServiceTypes: [] }
    : { type, projectNumbers: [], serviceAccountEmails: [], allowedServiceTypes: [] }
}

/**
 * `access` split in two grants of its own: the identities granted one by one (role ARNs, service
 * account emails), and the rest (accounts or projects, with the compute services and regions
 * that go with them). Each is valid alone, and removing either from `access` leaves the other on
 * every platform's reading of a grant.
 */
function splitIndividuals(access: CrossAccountAccess): [CrossAccountAccess, CrossAccountAccess] {
  if (access.type === 'aws') {
    const { type, roleArns } = access
    return [
      { type, accountIds: [], roleArns, regions: [], allowedServiceTypes: [] },
      { ...access, roleArns: [] },
    ]
  }
  const { type, serviceAccountEmails } = access
  return [
    { type, projectNumbers: [], serviceAccountEmails, allowedServiceTypes: [] },
    { ...access, serviceAccountEmails: [] },
  ]
}

/** Both grants: each list of `a` with the values of `b` added (they are of one type). */
function union(a: CrossAccountAccess, b: CrossAccountAccess): CrossAccountAccess {
  const merged: Record<string, unknown> = { ...a }
  for (const [field, values] of Object.entries(b)) {
    const held = (a as unknown as Record<string, unknown>)[field]
    if (Array.isArray(values) && Array.isArray(held)) merged[field] = [...held, ...values]
  }
  return merged as unknown as CrossAccountAccess
}

/** Sorted, de-duplicated lists, so grants compare as sets. */
export function normalize(access: CrossAccountAccess): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(access).map(([k, v]) => [k, Array.isArray(v) ? [...new Set(v)].sort() : v]),
  )
}

function expectLastUpdated(t: ContractTestContext, granted: CrossAccountPermissions): void {
  if (granted.lastUpdated !== null) t.expect(granted.lastUpdated).toBeInstanceOf(Date)
}
