import type { AwsCrossAccountAccess } from '@artifact-registry/core'
import { normalize } from '@artifact-registry/testing'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { emptyGrants, type GrantSet, lambdaKey } from '../src/grants.js'
import { parseRepositoryPolicy, renderRepositoryPolicy } from '../src/repository-policy.js'
import { providerFor, uniqueLogical } from './helpers.js'

const ACCOUNTS = ['111111111111', '222222222222', '333333333333']
const ROLES = ['arn:aws:iam::444444444444:role/a', 'arn:aws:iam::111111111111:role/path/b']

const fake = await startAwsFake({ principals: ROLES })
afterAll(() => fake.close())
const REGIONS = ['us-east-1', 'eu-west-1']

/**
 * The reference semantics, written independently of src/grants.ts: a grant is a set of facts
 * (root of an account, a role, a Lambda (account, region) pair, `*` = any region); add is union,
 * remove is difference, and revoking an account also drops its Lambda pairs.
 */
interface Model {
  roots: Set<string>
  roles: Set<string>
  lambda: Set<string>
}

function facts(a: AwsCrossAccountAccess): Model {
  const worker = a.allowedServiceTypes.includes('worker')
  const regions = a.regions.length > 0 ? a.regions : ['*']
  const lambda = worker ? a.accountIds.flatMap((acct) => regions.map((r) => `${acct} ${r}`)) : []
  return { roots: new Set(a.accountIds), roles: new Set(a.roleArns), lambda: new Set(lambda) }
}

function step(model: Model, op: 'add' | 'remove', a: AwsCrossAccountAccess): Model {
  const f = facts(a)
  if (op === 'add') {
    return {
      roots: new Set([...model.roots, ...f.roots]),
      roles: new Set([...model.roles, ...f.roles]),
      lambda: new Set([...model.lambda, ...f.lambda]),
    }
  }
  const roots = new Set([...model.roots].filter((x) => !f.roots.has(x)))
  return {
    roots,
    roles: new Set([...model.roles].filter((x) => !f.roles.has(x))),
    lambda: new Set(
      [...model.lambda].filter((x) => !f.lambda.has(x) && roots.has(x.split(' ')[0] ?? '')),
    ),
  }
}

function view(model: Model): AwsCrossAccountAccess {
  const pairs = [...model.lambda].map((x) => x.split(' '))
  return {
    type: 'aws',
    accountIds: [...model.roots, ...pairs.map((p) => p[0] ?? '')],
    roleArns: [...model.roles],
    // One account's any-region grant makes the flat view "any region": never less than granted.
    regions: pairs.some((p) => p[1] === '*') ? [] : pairs.map((p) => p[1] ?? ''),
    allowedServiceTypes: model.lambda.size > 0 ? ['worker'] : [],
  }
}

const subset = <T>(values: T[]): fc.Arbitrary<T[]> => fc.subarray(values)
/** Only grants the provider accepts for add: regions need worker, worker needs an account. */
const addable: fc.Arbitrary<AwsCrossAccountAccess> = fc
  .record({
    accountIds: subset(ACCOUNTS),
    roleArns: subset(ROLES),
    regions: subset(REGIONS),
    worker: fc.boolean(),
  })
  .map(({ accountIds, roleArns, regions, worker }) => {
    const w = worker && accountIds.length > 0
    return {
      type: 'aws' as const,
      accountIds,
      roleArns,
      regions: w ? regions : [],
      allowedServiceTypes: w ? ['worker' as const] : [],
    }
  })
const removable: fc.Arbitrary<AwsCrossAccountAccess> = fc
  .record({
    accountIds: subset(ACCOUNTS),
    roleArns: subset(ROLES),
    regions: subset(REGIONS),
    worker: fc.boolean(),
  })
  // `worker` names the functions of the accounts given: without an account it is refused.
  .map(({ worker, ...rest }) => ({
    type: 'aws' as const,
    ...rest,
    allowedServiceTypes: worker && rest.accountIds.length > 0 ? ['worker' as const] : [],
  }))
const operation = fc.oneof(
  addable.map((a) => ['add', a] as const),
  removable.map((a) => ['remove', a] as const),
)

describe('property: add/remove are set arithmetic', () => {
  it('after any sequence of calls, get equals the set arithmetic of those calls', async () => {
    const registry = await providerFor(fake)
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 6 }), async (ops) => {
        const { name } = await registry.createRepository(uniqueLogical('prop'))
        let model: Model = { roots: new Set(), roles: new Set(), lambda: new Set() }
        for (const [op, a] of ops) {
          if (op === 'add') await registry.addCrossAccountAccess(name, a)
          else await registry.removeCrossAccountAccess(name, a)
          model = step(model, op, a)
        }
        const got = (await registry.getCrossAccountAccess(name)).access
        expect(normalize(got)).toEqual(normalize(view(model)))
        await registry.deleteRepository(name)
      }),
      { numRuns: 60 },
    )
    await registry.close()
  }, 60_000)

  it('the policy format round-trips any grant set, next to any foreign statement', () => {
    const grantSet: fc.Arbitrary<GrantSet> = fc
      .record({
        accounts: subset(ACCOUNTS),
        roles: subset(ROLES),
        lambda: subset(ACCOUNTS.flatMap((a) => [...REGIONS, '*'].map((r) => lambdaKey(a, r)))),
      })
      .map(({ accounts, roles, lambda }) => ({
        accounts: new Set(accounts),
        roles: new Set(roles),
        lambda: new Set(lambda),
      }))
    const foreign = fc.array(
      fc.record({
        Sid: fc.constantFrom('Ci', 'Audit', 'artifactregistry'),
        Effect: fc.constant('Allow'),
      }),
      { maxLength: 2 },
    )
    fc.assert(
      fc.property(grantSet, foreign, (grants, statements) => {
        const base = {
          header: { Version: '2012-10-17' },
          foreign: statements,
          grants: emptyGrants(),
        }
        const text = renderRepositoryPolicy(base, grants, { id: 'aws', dnsSuffix: 'amazonaws.com' })
        const parsed = parseRepositoryPolicy(text)
        expect(parsed.foreign).toEqual(statements)
        expect(parsed.grants).toEqual(grants)
      }),
      { numRuns: 500 },
    )
  })
})
