import { type AwsFake, startAwsFake } from '@artifact-registry/testing/fakes/aws'
import {
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam'
import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import {
  RUNTIME_REPLICATION_ACTIONS,
  RUNTIME_REPOSITORY_ACTIONS,
} from '../src/provision/runtime-policy.js'
import { REGION, REPLICA } from './helpers.js'
import { deprovisionOptions, iamOf, provisionOptions } from './provision-helpers.js'
import { readmeActions } from './readme-permissions.js'

// The README's provisioning permissions, taken at their word: the provisioning identity gets
// exactly those grants, and provisioning, every repair and a forced deprovisioning pass against
// the fake, which evaluates them as IAM does. Every action listed is one the fake saw used, and
// leaving any one out makes the run fail.

const ACCOUNT = '123456789012'
const ROLES = 'role/{name}-pull, role/{name}-push'
const ANY_BINDING_ROLES = 'role/*-pull, role/*-push'
const SERVICE_LINKED_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication`
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/boundary`
const OTHER_BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/other`
const STRANGER = `arn:aws:iam::${ACCOUNT}:user/stranger`
const EMPTY = JSON.stringify({ Version: '2012-10-17', Statement: [] })
const REGIONS = [REGION, REPLICA]

/** Each README row: its actions, and the ARNs its `on` cell stands for here. */
const ROWS: readonly [identity: string, on: string, resources: string[]][] = [
  ['provisioning identity', ROLES, roleArns()],
  [
    'provisioning identity',
    ANY_BINDING_ROLES,
    ['*-pull', '*-push'].map((name) => `arn:aws:iam::${ACCOUNT}:role/${name}`),
  ],
  ['provisioning identity with permissionsBoundaryArn', ROLES, roleArns()],
  ['provisioning identity', '*', ['*']],
  [
    'provisioning identity with replicationRegions',
    SERVICE_LINKED_ROLE.replace(ACCOUNT, '{account}'),
    [SERVICE_LINKED_ROLE],
  ],
  ['provisioning identity, to deprovision', ROLES, roleArns()],
  ['provisioning identity, to deprovision', 'repository/*', repositories('*')],
  [
    'provisioning identity, to deprovision with force',
    'repository/{prefix}-*',
    repositories('acme-*'),
  ],
]

/** The roles of both bindings the test provisions, `acme` and the other stack's `beta`. */
function roleArns(): string[] {
  return ['acme-pull', 'acme-push', 'beta-pull', 'beta-push'].map(
    (name) => `arn:aws:iam::${ACCOUNT}:role/${name}`,
  )
}

function repositories(pattern: string): string[] {
  return REGIONS.map((region) => `arn:aws:ecr:${region}:${ACCOUNT}:repository/${pattern}`)
}

/** The README's grants as identity policies, without `leftOut` (`action` in row `row`). */
function grants(leftOut?: { row: number; action: string }): string[] {
  const statements = ROWS.map(([identity, on, Resource], row) => ({
    Effect: 'Allow',
    Action: readmeActions(identity, on).filter((a) => row !== leftOut?.row || a !== leftOut.action),
    Resource,
  }))
  return [JSON.stringify({ Version: '2012-10-17', Statement: statements })]
}

/** The README's actions, each with its row. */
const ENTRIES = ROWS.flatMap(([identity, on], row) =>
  readmeActions(identity, on).map((action) => ({ row, action, identity })),
)

/** What someone else changes between two runs: every kind of drift there is. */
async function drift(fake: AwsFake): Promise<void> {
  fake.seedPrincipal(STRANGER)
  const iam = iamOf(fake)
  const RoleName = 'acme-pull'
  const stranger = { Effect: 'Allow', Principal: { AWS: STRANGER }, Action: 'sts:AssumeRole' }
  const anything = { Effect: 'Allow', Action: 'ecr:*', Resource: '*' }
  try {
    for (const command of [
      new UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: policy(stranger) }),
      new UpdateRoleCommand({ RoleName, MaxSessionDuration: 3600 }),
      new PutRolePermissionsBoundaryCommand({ RoleName, PermissionsBoundary: OTHER_BOUNDARY }),
      new TagRoleCommand({ RoleName, Tags: [{ Key: 'team', Value: 'other' }] }),
      new PutRolePolicyCommand({
        RoleName,
        PolicyName: 'artifact-registry',
        PolicyDocument: policy(anything),
      }),
    ]) {
      await iam.send(command as never)
    }
  } finally {
    iam.destroy()
  }
  fake.seedReplicationRules(REGION, [])
}

function policy(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements })
}

/**
 * Provision another stack's binding `beta` first (its roles are what the overlap check reads),
 * then provision, repair every drift, deprovision with force; the `service:Action`s it sent.
 */
async function everything(basePolicies: string[]): Promise<Set<string>> {
  await using fake = await startAwsFake({
    basePolicies,
    managedPolicies: { [BOUNDARY]: EMPTY, [OTHER_BOUNDARY]: EMPTY },
  })
  const options = provisionOptions(fake, {
    replicationRegions: [REPLICA],
    permissionsBoundaryArn: BOUNDARY,
    tags: { team: 'platform' },
  })
  await provision(provisionOptions(fake, { name: 'beta' }))
  const used = new Set<string>()
  const run = async (step: () => Promise<unknown>): Promise<void> => {
    const from = fake.requests.length
    await step()
    for (const request of fake.requests.slice(from)) {
      const service = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(
        String(request.headers.authorization),
      )?.[1]
      used.add(`${service}:${request.operation}`)
    }
  }
  await run(() => provision(options))
  await drift(fake)
  await run(() => provision(options))
  for (const region of REGIONS) fake.seedRepository(region, 'acme-app')
  await run(() => deprovision(deprovisionOptions(fake, { force: true })))
  expect(fake.getRoleNames()).toEqual(['beta-pull', 'beta-push'])
  return used
}

describe("the README's provisioning permissions", () => {
  it('are enough for provisioning, every repair and deprovisioning, and each is used', async () => {
    expect(new Set(ENTRIES.map((e) => e.action)).size).toBe(ENTRIES.length)
    const used = await everything(grants())
    // Two actions are asked of IAM inside another call: tags at CreateRole, and ECR's
    // service-linked role at the account's first replication rule.
    const implicit = new Set(['iam:CreateServiceLinkedRole'])
    const unused = ENTRIES.filter(({ action }) => !used.has(action) && !implicit.has(action))
    expect(unused).toEqual([])
    const sent = [...used].filter((a) => a !== 'sts:GetCallerIdentity')
    expect(sent.filter((a) => !ENTRIES.some((e) => e.action === a))).toEqual([])
  })

  it.each(ENTRIES)('fail without $action ($identity)', async (entry) => {
    await expect(everything(grants(entry))).rejects.toThrow(/not authorized|AccessDenied/)
  })
})

describe('the runtime policy provisioning returns', () => {
  it("holds the README's base identity actions: the same list, not another copy", () => {
    expect([...RUNTIME_REPOSITORY_ACTIONS]).toEqual(
      readmeActions('base identity', 'repository/{prefix}-*'),
    )
    const replication = readmeActions('base identity with replicationRegions', '*')
    expect(RUNTIME_REPLICATION_ACTIONS.every((a) => replication.includes(a))).toBe(true)
  })
})
