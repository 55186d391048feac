import type { AwsCrossAccountAccess } from '@artifact-registry/core'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { CROSS_ACCOUNT_PULL_ACTIONS, LAMBDA_SID, PULL_SID } from '../src/repository-policy.js'
import {
  access,
  FOREIGN_ROLE,
  FOREIGN_STATEMENT,
  policyDoc,
  providerFor,
  REGION,
  uniqueLogical,
} from './helpers.js'

// The rules of docs/platforms/aws.md#repository-policies, one describe per rule (its anchor above).

const A = '111111111111'
const B = '222222222222'
const C = '333333333333'
const ROLE_B = `arn:aws:iam::${B}:role/puller`

const fake = await startAwsFake({ principals: [ROLE_B, FOREIGN_ROLE] })
afterAll(() => fake.close())
beforeEach(() => fake.reset())

/** Worker (Lambda) pulls for one account in one region each: two pairs, never a cross product. */
const WORKER_A_US_EAST = access({
  accountIds: [A],
  regions: ['us-east-1'],
  allowedServiceTypes: ['worker'],
})
const WORKER_B_EU_WEST = access({
  accountIds: [B],
  regions: ['eu-west-1'],
  allowedServiceTypes: ['worker'],
})

async function setup(): Promise<{
  registry: Awaited<ReturnType<typeof providerFor>>
  name: string
}> {
  const registry = await providerFor(fake)
  const { name } = await registry.createRepository(uniqueLogical('xa'))
  return { registry, name }
}

async function granted(
  registry: Awaited<ReturnType<typeof providerFor>>,
  name: string,
): Promise<AwsCrossAccountAccess> {
  const { access } = await registry.getCrossAccountAccess(name)
  if (access.type !== 'aws') throw new Error(`expected aws access, got ${access.type}`)
  return access
}

function statement(name: string, sid: string): Record<string, unknown> | undefined {
  return policyDoc(fake, REGION, name)?.Statement.find((s) => s.Sid === sid)
}

function sourceArns(name: string): string[] {
  const condition = statement(name, LAMBDA_SID)?.Condition as
    | { StringLike: { 'aws:sourceArn': string[] } }
    | undefined
  return condition?.StringLike['aws:sourceArn'] ?? []
}

// docs/platforms/aws.md#revoking-an-account
describe('revoking an account removes it completely', () => {
  it('add X then remove X restores the previous policy, byte for byte', async () => {
    const { registry, name } = await setup()
    fake.seedPolicy(
      REGION,
      name,
      JSON.stringify({ Version: '2012-10-17', Statement: [FOREIGN_STATEMENT] }),
    )
    await registry.addCrossAccountAccess(name, access({ accountIds: [C] }))
    const before = fake.getPolicy(REGION, name)
    const x = access({
      accountIds: [A],
      roleArns: [ROLE_B],
      regions: ['eu-west-1'],
      allowedServiceTypes: ['worker'],
    })
    await registry.addCrossAccountAccess(name, x)
    await registry.removeCrossAccountAccess(name, x)
    expect(fake.getPolicy(REGION, name)).toBe(before)
    expect(fake.getPolicy(REGION, name)).not.toContain(A)
  })

  it("remove({accountIds:[A]}) removes the root principal and A's Lambda entries", async () => {
    const { registry, name } = await setup()
    await registry.addCrossAccountAccess(
      name,
      access({ accountIds: [A, B], allowedServiceTypes: ['worker'] }),
    )
    await registry.removeCrossAccountAccess(name, access({ accountIds: [A] }))
    expect(statement(name, PULL_SID)?.Principal).toEqual({ AWS: [`arn:aws:iam::${B}:root`] })
    expect(sourceArns(name)).toEqual([`arn:aws:lambda:*:${B}:function:*`])
    expect((await granted(registry, name)).accountIds).toEqual([B])
  })
})

// docs/platforms/aws.md#lambda-pulls-per-account
describe('worker access is per account', () => {
  it("removing worker for A keeps B's Lambda entries; the statement goes with the last one", async () => {
    const { registry, name } = await setup()
    await registry.addCrossAccountAccess(name, WORKER_A_US_EAST)
    await registry.addCrossAccountAccess(name, WORKER_B_EU_WEST)
    await registry.removeCrossAccountAccess(name, WORKER_A_US_EAST)
    expect(sourceArns(name)).toEqual([`arn:aws:lambda:eu-west-1:${B}:function:*`])
    await registry.removeCrossAccountAccess(name, WORKER_B_EU_WEST)
    expect(statement(name, LAMBDA_SID)).toBeUndefined()
  })

  // The account is granted already: only the Lambda pairs tell the two policies apart.
  it('a Lambda region added for an account granted already is written', async () => {
    const { registry, name } = await setup()
    await registry.addCrossAccountAccess(name, WORKER_A_US_EAST)
    await registry.addCrossAccountAccess(
      name,
      access({ accountIds: [A], regions: ['eu-west-1'], allowedServiceTypes: ['worker'] }),
    )
    expect(sourceArns(name)).toEqual([
      `arn:aws:lambda:eu-west-1:${A}:function:*`,
      `arn:aws:lambda:us-east-1:${A}:function:*`,
    ])
  })

  it('Lambda regions survive an unrelated grant', async () => {
    const { registry, name } = await setup()
    const worker = access({
      accountIds: [A],
      regions: ['us-east-1', 'eu-west-1'],
      allowedServiceTypes: ['worker'],
    })
    await registry.addCrossAccountAccess(name, worker)
    await registry.addCrossAccountAccess(name, access({ roleArns: [ROLE_B] }))
    await registry.addCrossAccountAccess(name, access({ accountIds: [C] }))
    const got = await granted(registry, name)
    expect(got).toEqual(
      access({
        accountIds: [A, C],
        roleArns: [ROLE_B],
        regions: ['eu-west-1', 'us-east-1'],
        allowedServiceTypes: ['worker'],
      }),
    )
  })
})

// docs/platforms/aws.md#regions-round-trip
describe('regions round-trip and grants never become a cross product', () => {
  it('A in r1 and B in r2 stay two pairs, and get returns both regions', async () => {
    const { registry, name } = await setup()
    await registry.addCrossAccountAccess(name, WORKER_A_US_EAST)
    await registry.addCrossAccountAccess(name, WORKER_B_EU_WEST)
    expect(sourceArns(name)).toEqual([
      `arn:aws:lambda:us-east-1:${A}:function:*`,
      `arn:aws:lambda:eu-west-1:${B}:function:*`,
    ])
    expect((await granted(registry, name)).regions).toEqual(['eu-west-1', 'us-east-1'])
  })

  it('worker without regions is any region of that account, and reads back without regions', async () => {
    const { registry, name } = await setup()
    const any = access({ accountIds: [A], allowedServiceTypes: ['worker'] })
    await registry.addCrossAccountAccess(name, any)
    expect(sourceArns(name)).toEqual([`arn:aws:lambda:*:${A}:function:*`])
    expect(await granted(registry, name)).toEqual(any)
  })

  it('a grant of any region is never read back as named regions only', async () => {
    const { registry, name } = await setup()
    const any = access({ accountIds: [A], allowedServiceTypes: ['worker'] })
    await registry.addCrossAccountAccess(name, any)
    await registry.addCrossAccountAccess(name, WORKER_A_US_EAST)
    // A's functions in every region may still pull: naming us-east-1 alone would hide that.
    expect(sourceArns(name)).toContain(`arn:aws:lambda:*:${A}:function:*`)
    expect(await granted(registry, name)).toEqual(any)
    await registry.addCrossAccountAccess(name, WORKER_B_EU_WEST)
    expect((await granted(registry, name)).regions).toEqual([])
  })

  it('refuses parts that could not read back: regions without worker, worker without accounts', async () => {
    const { registry, name } = await setup()
    await expect(
      registry.addCrossAccountAccess(name, access({ accountIds: [A], regions: ['us-east-1'] })),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(
      registry.addCrossAccountAccess(
        name,
        access({ roleArns: [ROLE_B], allowedServiceTypes: ['worker'] }),
      ),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(fake.requestsFor('SetRepositoryPolicy')).toHaveLength(0)
  })
})

// docs/platforms/aws.md#role-arns-stay-roles
describe('a role is one role however its name is spelt', () => {
  it('a removal in other case removes it; an addition in other case adds nothing', async () => {
    const { registry, name } = await setup()
    const shouted = ROLE_B.replace(/role\/puller$/, 'role/PULLER')
    await registry.addCrossAccountAccess(name, access({ roleArns: [ROLE_B] }))
    await registry.addCrossAccountAccess(name, access({ roleArns: [shouted] }))
    expect(fake.requestsFor('SetRepositoryPolicy')).toHaveLength(1)
    expect((await granted(registry, name)).roleArns).toEqual([ROLE_B])
    await registry.removeCrossAccountAccess(name, access({ roleArns: [shouted] }))
    expect((await granted(registry, name)).roleArns).toEqual([])
    expect(fake.getPolicy(REGION, name)).toBeUndefined()
  })
})

describe('a role ARN is never widened to its account', () => {
  it('grants the role only; its account root appears nowhere', async () => {
    const { registry, name } = await setup()
    await registry.addCrossAccountAccess(name, access({ roleArns: [ROLE_B] }))
    expect(statement(name, PULL_SID)?.Principal).toEqual({ AWS: [ROLE_B] })
    expect(fake.getPolicy(REGION, name)).not.toContain(`${B}:root`)
    expect(await granted(registry, name)).toEqual(access({ roleArns: [ROLE_B] }))
  })
})

// docs/platforms/aws.md#pull-actions-only
describe('foreign principals get pull actions only', () => {
  it('no SetRepositoryPolicy, GetRepositoryPolicy, push or wildcard action in our statements', async () => {
    const { registry, name } = await setup()
    await registry.addCrossAccountAccess(
      name,
      access({ accountIds: [A], roleArns: [ROLE_B], allowedServiceTypes: ['worker'] }),
    )
    const ours = policyDoc(fake, REGION, name)?.Statement ?? []
    expect(ours.map((s) => s.Sid).sort()).toEqual([PULL_SID, LAMBDA_SID].sort())
    for (const s of ours) {
      expect(s.Effect).toBe('Allow')
      for (const action of s.Action as string[])
        expect(CROSS_ACCOUNT_PULL_ACTIONS).toContain(action)
    }
    expect(fake.getPolicy(REGION, name)).not.toMatch(/RepositoryPolicy|PutImage|ecr:\*|"\*"/)
  })
})

// docs/platforms/aws.md#foreign-statements-are-kept
describe('foreign statements are preserved', () => {
  it('survive add and remove unchanged and in place; the policy stays when only they remain', async () => {
    const { registry, name } = await setup()
    const other = { ...FOREIGN_STATEMENT, Sid: 'SecondForeign' }
    const header = { Version: '2008-10-17', Id: 'team-policy' }
    fake.seedPolicy(
      REGION,
      name,
      JSON.stringify({ ...header, Statement: [FOREIGN_STATEMENT, other] }),
    )
    await registry.addCrossAccountAccess(name, access({ accountIds: [A] }))
    const during = policyDoc(fake, REGION, name)
    expect(during?.Statement.slice(0, 2)).toEqual([FOREIGN_STATEMENT, other])
    expect(during).toMatchObject(header)
    await registry.removeCrossAccountAccess(name, access({ accountIds: [A] }))
    expect(policyDoc(fake, REGION, name)).toEqual({
      ...header,
      Statement: [FOREIGN_STATEMENT, other],
    })
    expect(fake.requestsFor('DeleteRepositoryPolicy')).toHaveLength(0)
  })

  it('a policy holding only our statements is deleted, never written empty', async () => {
    const { registry, name } = await setup()
    await registry.addCrossAccountAccess(name, access({ accountIds: [A] }))
    await registry.removeCrossAccountAccess(name, access({ accountIds: [A] }))
    expect(fake.getPolicy(REGION, name)).toBeUndefined()
    expect(fake.requestsFor('DeleteRepositoryPolicy')).toHaveLength(1)
    expect(fake.requestsFor('SetRepositoryPolicy')).toHaveLength(1)
  })

  it('a policy already gone when it is deleted counts as deleted (its answer lost, or another writer)', async () => {
    const { registry, name } = await setup()
    await registry.addCrossAccountAccess(name, access({ accountIds: [A] }))
    // The state after a DeleteRepositoryPolicy that ECR applied but whose answer never arrived:
    // the SDK's retry, like this call, finds no policy.
    fake.inject('DeleteRepositoryPolicy', {
      before: () => fake.seedPolicy(REGION, name, undefined),
    })
    await registry.removeCrossAccountAccess(name, access({ accountIds: [A] }))
    expect(fake.requestsFor('DeleteRepositoryPolicy')).toHaveLength(1)
    expect(await granted(registry, name)).toEqual(access({}))
  })

  it('stale AROA… principals in our statement are ignored by get and dropped on write', async () => {
    const { registry, name } = await setup()
    const ours = {
      Sid: PULL_SID,
      Effect: 'Allow',
      Principal: { AWS: ['AROAEXAMPLEDELETEDROLE', `arn:aws:iam::${A}:root`] },
      Action: [...CROSS_ACCOUNT_PULL_ACTIONS],
    }
    fake.seedPolicy(
      REGION,
      name,
      JSON.stringify({ Version: '2012-10-17', Statement: [FOREIGN_STATEMENT, ours] }),
    )
    expect(await granted(registry, name)).toEqual(access({ accountIds: [A] }))
    await registry.addCrossAccountAccess(name, access({ accountIds: [C] }))
    expect(fake.getPolicy(REGION, name)).not.toContain('AROA')
    expect(policyDoc(fake, REGION, name)?.Statement[0]).toEqual(FOREIGN_STATEMENT)
  })

  it.each([
    ['a Deny', { Effect: 'Deny' }],
    ['a condition added by hand', { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-x' } } }],
    ['NotAction', { NotAction: 'ecr:PutImage' }],
    ['a wider action', { Action: 'ecr:*' }],
    // A principal we cannot read as a grant would be hidden from get and outlive every remove.
    ['a principal of "*"', { Principal: { AWS: [`arn:aws:iam::${A}:root`, '*'] } }],
    ['a user', { Principal: { AWS: `arn:aws:iam::${B}:user/someone` } }],
    ['an assumed-role session', { Principal: { AWS: `arn:aws:sts::${B}:assumed-role/r/s` } }],
    ['no principal', { Principal: { AWS: [] } }],
    // A second principal kind pulls as well; reading only the first would hide it from get.
    [
      'a service beside the accounts',
      { Principal: { AWS: `arn:aws:iam::${A}:root`, Service: 'ec2.amazonaws.com' } },
    ],
    [
      'every account beside the Lambda service',
      {
        Sid: LAMBDA_SID,
        Principal: { Service: 'lambda.amazonaws.com', AWS: '*' },
        Action: ['ecr:BatchGetImage'],
        Condition: { StringLike: { 'aws:sourceArn': `arn:aws:lambda:*:${A}:function:*` } },
      },
    ],
    [
      'a Lambda source of any account',
      {
        Sid: LAMBDA_SID,
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: ['ecr:BatchGetImage'],
        Condition: {
          StringLike: {
            'aws:sourceArn': [`arn:aws:lambda:us-east-1:${A}:function:*`, 'arn:aws:lambda:*'],
          },
        },
      },
    ],
    [
      'a Lambda source of every account',
      {
        Sid: LAMBDA_SID,
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: ['ecr:BatchGetImage'],
        Condition: { StringLike: { 'aws:sourceArn': 'arn:aws:lambda:*:*:function:*' } },
      },
    ],
    // StringEquals has no wildcards: read as grants and written back under StringLike, a source
    // that names no function would become every function of the account.
    [
      'a Lambda source under StringEquals',
      {
        Sid: LAMBDA_SID,
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: ['ecr:BatchGetImage'],
        Condition: { StringEquals: { 'aws:sourceArn': `arn:aws:lambda:*:${A}:function:*` } },
      },
    ],
    [
      'a Lambda statement without a source',
      {
        Sid: LAMBDA_SID,
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: ['ecr:BatchGetImage'],
        Condition: { StringLike: {} },
      },
    ],
    [
      'a Lambda statement with two condition blocks',
      {
        Sid: LAMBDA_SID,
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: ['ecr:BatchGetImage'],
        Condition: {
          StringLike: { 'aws:sourceArn': `arn:aws:lambda:us-east-1:${A}:function:*` },
          ArnLike: { 'aws:sourceArn': `arn:aws:lambda:eu-west-1:${B}:function:*` },
        },
      },
    ],
    [
      'a negated Lambda condition',
      {
        Sid: LAMBDA_SID,
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: ['ecr:BatchGetImage'],
        Condition: {
          StringNotLike: { 'aws:sourceArn': `arn:aws:lambda:us-east-1:${A}:function:*` },
        },
      },
    ],
  ])(
    'a statement with our Sid but %s is refused (CONFLICT), and nothing is written',
    async (_, edit) => {
      const { registry, name } = await setup()
      const edited = {
        Sid: PULL_SID,
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${A}:root` },
        Action: [...CROSS_ACCOUNT_PULL_ACTIONS],
        ...edit,
      }
      const text = JSON.stringify({ Version: '2012-10-17', Statement: [edited] })
      fake.seedPolicy(REGION, name, text)
      for (const call of [
        () => registry.addCrossAccountAccess(name, access({ accountIds: [B] })),
        () => registry.removeCrossAccountAccess(name, access({ accountIds: [A] })),
        () => registry.getCrossAccountAccess(name),
      ]) {
        await expect(call()).rejects.toMatchObject({
          code: 'CONFLICT',
          message: expect.stringContaining(`statement "${edited.Sid}"`),
        })
      }
      expect(fake.getPolicy(REGION, name)).toBe(text)
      expect(fake.requestsFor('SetRepositoryPolicy')).toHaveLength(0)
    },
  )

  it('takes our statements in the forms ECR may return them: single values as strings', async () => {
    const { registry, name } = await setup()
    const statements = [
      {
        Sid: PULL_SID,
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${A}:root` },
        Action: 'ecr:BatchGetImage',
      },
      {
        Sid: LAMBDA_SID,
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: 'ecr:BatchGetImage',
        Condition: { stringlike: { 'AWS:SourceArn': `arn:aws:lambda:us-east-1:${A}:function:*` } },
      },
    ]
    fake.seedPolicy(REGION, name, JSON.stringify({ Version: '2012-10-17', Statement: statements }))
    expect(await granted(registry, name)).toEqual(WORKER_A_US_EAST)
  })

  it('adding what is already granted writes nothing', async () => {
    const { registry, name } = await setup()
    await registry.addCrossAccountAccess(name, access({ accountIds: [A] }))
    await registry.addCrossAccountAccess(name, access({ accountIds: [A] }))
    await registry.removeCrossAccountAccess(name, access({ accountIds: [B] }))
    expect(fake.requestsFor('SetRepositoryPolicy')).toHaveLength(1)
  })
})

// docs/platforms/aws.md#changes-in-one-process-go-one-at-a-time
describe('changes in one process go one at a time', () => {
  it('a removal overlapping an addition stays removed, from one provider or two', async () => {
    const { registry, name } = await setup()
    const other = await providerFor(fake)
    for (const [remover, adder] of [
      [registry, registry],
      [registry, other],
    ] as const) {
      await registry.addCrossAccountAccess(name, access({ accountIds: [A] }))
      const results = await Promise.allSettled([
        remover.removeCrossAccountAccess(name, access({ accountIds: [A] })),
        adder.addCrossAccountAccess(name, access({ accountIds: [B] })),
      ])
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled'])
      expect((await granted(registry, name)).accountIds).toEqual([B])
      await registry.removeCrossAccountAccess(name, access({ accountIds: [B] }))
    }
  })

  it('many overlapping changes all land', async () => {
    const { registry, name } = await setup()
    const accounts = Array.from({ length: 8 }, (_, i) => String(100000000000 + i))
    await Promise.all(
      accounts.map((account) =>
        registry.addCrossAccountAccess(name, access({ accountIds: [account] })),
      ),
    )
    expect((await granted(registry, name)).accountIds).toEqual(accounts)
    const revoked = accounts.filter((_, i) => i % 2 === 0)
    await Promise.all([
      ...revoked.map((account) =>
        registry.removeCrossAccountAccess(name, access({ accountIds: [account] })),
      ),
      registry.addCrossAccountAccess(name, access({ accountIds: [C] })),
    ])
    expect((await granted(registry, name)).accountIds).toEqual(
      [...accounts.filter((a) => !revoked.includes(a)), C].sort(),
    )
  })
})

// docs/platforms/aws.md#a-failed-read-is-not-an-empty-policy
describe('a failed read is never treated as "no policy"', () => {
  it.each(['server-error', 'access-denied', 'throttling'] as const)(
    'GetRepositoryPolicy %s: add and remove fail and write nothing',
    async (kind) => {
      const { registry, name } = await setup()
      const seeded = JSON.stringify({ Version: '2012-10-17', Statement: [FOREIGN_STATEMENT] })
      fake.seedPolicy(REGION, name, seeded)
      fake.inject('GetRepositoryPolicy', kind, { times: 3 })
      await expect(
        registry.addCrossAccountAccess(name, access({ accountIds: [A] })),
      ).rejects.toThrow()
      await expect(
        registry.removeCrossAccountAccess(name, access({ accountIds: [A] })),
      ).rejects.toThrow()
      await expect(registry.getCrossAccountAccess(name)).rejects.toThrow()
      expect(fake.requestsFor('SetRepositoryPolicy')).toHaveLength(0)
      expect(fake.requestsFor('DeleteRepositoryPolicy')).toHaveLength(0)
      expect(fake.getPolicy(REGION, name)).toBe(seeded)
    },
  )

  it('a policy that is not JSON is INTERNAL and left untouched', async () => {
    const { registry, name } = await setup()
    fake.seedPolicy(REGION, name, '{not json')
    await expect(
      registry.addCrossAccountAccess(name, access({ accountIds: [A] })),
    ).rejects.toMatchObject({
      code: 'INTERNAL',
    })
    expect(fake.getPolicy(REGION, name)).toBe('{not json')
  })

  it('only RepositoryPolicyNotFoundException means "no policy"', async () => {
    const { registry, name } = await setup()
    expect(await granted(registry, name)).toEqual(access({}))
    await expect(registry.getCrossAccountAccess('acme-missing-repo')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })
})

// docs/platforms/aws.md#policy-size
describe('a policy longer than ECR takes', () => {
  it('an add that would pass 10,240 characters fails INVALID_ARGUMENT and writes nothing', async () => {
    const { registry, name } = await setup()
    await registry.addCrossAccountAccess(name, access({ accountIds: [A] }))
    const before = fake.getPolicy(REGION, name)
    // About 35 characters per account root: 320 of them pass the limit.
    const many = Array.from({ length: 320 }, (_, i) => String(100000000000 + i))
    await expect(
      registry.addCrossAccountAccess(name, access({ accountIds: many })),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('10240') })
    expect(fake.getPolicy(REGION, name)).toBe(before)
  })
})

// docs/platforms/aws.md#input-validation
describe('inputs are validated', () => {
  it.each([
    access({ accountIds: ['12345'] }),
    // An id with more after its twelve digits names no account, whatever it starts with.
    access({ accountIds: [`${A}0`] }),
    access({ accountIds: [`${A}:role/x`] }),
    access({ roleArns: [`arn:aws:iam::${B}:user/bob`] }),
    access({ roleArns: [`arn:aws-cn:iam::${B}:role/x`] }),
    // IAM role names are 64 characters at most: no such role can exist, so nothing is asked.
    access({ roleArns: [`arn:aws:iam::${B}:role/ci/${'r'.repeat(65)}`] }),
    access({ accountIds: [A], regions: ['Mars-1'], allowedServiceTypes: ['worker'] }),
    access({ allowedServiceTypes: ['vm' as 'worker'], accountIds: [A] }),
    { type: 'gcp', projectNumbers: [], serviceAccountEmails: [], allowedServiceTypes: [] },
  ])('refuses %j with INVALID_ARGUMENT', async (bad) => {
    const { registry, name } = await setup()
    await expect(
      registry.addCrossAccountAccess(name, bad as AwsCrossAccountAccess),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    expect(fake.requestsFor('GetRepositoryPolicy')).toHaveLength(0)
  })

  it("a role name of IAM's 64 characters is granted, under a path too; one of 65 is refused naming the limit", async () => {
    const { registry, name } = await setup()
    const longest = `arn:aws:iam::${B}:role/service-role/${'r'.repeat(64)}`
    fake.seedPrincipal(longest)
    await registry.addCrossAccountAccess(name, access({ roleArns: [longest] }))
    expect(await granted(registry, name)).toEqual(access({ roleArns: [longest] }))
    // It looks like a role ARN in every other way: the message must say what is wrong with it.
    const tooLong = access({ roleArns: [`arn:aws:iam::${B}:role/${'r'.repeat(65)}`] })
    await expect(registry.addCrossAccountAccess(name, tooLong)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('64 characters'),
    })
  })

  it('refuses a field it does not know, naming it, rather than revoke less than asked', async () => {
    const { registry, name } = await setup()
    await registry.addCrossAccountAccess(name, access({ accountIds: [A] }))
    // `accountId` for `accountIds`: ignored, the removal would take nothing away and say done.
    const misspelt = { ...access({}), accountId: [A] } as AwsCrossAccountAccess
    for (const change of [registry.removeCrossAccountAccess, registry.addCrossAccountAccess]) {
      await expect(change.call(registry, name, misspelt)).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining(
          '"accountId" is not one of its fields; did you mean accountIds?',
        ),
      })
    }
    expect(await granted(registry, name)).toEqual(access({ accountIds: [A] }))
  })

  it('refuses a removal of worker access that names no account, rather than revoke nothing', async () => {
    const { registry, name } = await setup()
    await registry.addCrossAccountAccess(name, WORKER_A_US_EAST)
    // Whose functions? Answering success would leave A's functions pulling in us-east-1.
    const noAccount = access({ regions: ['us-east-1'], allowedServiceTypes: ['worker'] })
    await expect(registry.removeCrossAccountAccess(name, noAccount)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    expect(await granted(registry, name)).toEqual(WORKER_A_US_EAST)
  })
})
