import type { AwsCrossAccountAccess } from '@artifact-registry/core'
import { type AwsFake, startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { describe, expect, it } from 'vitest'
import { manifestStatus } from './grantee-credentials.js'
import { providerFor, pushImage, REGION, uniqueLogical } from './helpers.js'

// docs/platforms/aws.md#lambda-pulls-per-account: a `worker` grant is what lets Lambda functions
// of another account use the repository's images. The fake decides the Lambda service's pulls as
// ECR does: the function's creator and the service, for that function, must both be allowed.

const ACCOUNT = '444455556666'
const OTHER_ACCOUNT = '777788889999'
const REPLICA = 'eu-west-1'
const fn = (region: string, account = ACCOUNT) =>
  `arn:aws:lambda:${region}:${account}:function:image-user`

/** An account granted, without its functions. */
function accountGrant(accountId: string): AwsCrossAccountAccess {
  return {
    type: 'aws',
    accountIds: [accountId],
    roleArns: [],
    regions: [],
    allowedServiceTypes: [],
  }
}
const ACCOUNT_ONLY = accountGrant(ACCOUNT)

function workerGrant(regions: string[], accountIds = [ACCOUNT]): AwsCrossAccountAccess {
  return { type: 'aws', accountIds, roleArns: [], regions, allowedServiceTypes: ['worker'] }
}

/**
 * A repository replicated to REPLICA, holding `v1`, the provider that made it, and `pull`: the
 * status of the Lambda service's manifest read of `v1` for a function of `account` in `region`.
 */
async function repositoryWithImage(fake: AwsFake) {
  const registry = await providerFor(fake, { replicationRegions: [REPLICA] })
  const { name } = await registry.createRepository(uniqueLogical('lambda'))
  await pushImage(await registry.generateCredentials(name, 'push-pull'), name, 'v1')
  const pull = (region: string, account = ACCOUNT) =>
    manifestStatus(fake.lambdaPullCredentials(fn(region, account)), name, 'v1')
  return { registry, name, pull }
}

describe('Lambda functions of a granted account pull as ECR lets them (AWS fake)', () => {
  it('a worker grant of one region lets that region’s functions of the account pull, until it is removed', async () => {
    await using fake = await startAwsFake()
    const { registry, name, pull } = await repositoryWithImage(fake)
    expect(await pull(REGION)).toBe(403)
    await registry.addCrossAccountAccess(name, workerGrant([REGION]))
    expect(await pull(REGION)).toBe(200)
    // Another region's functions (from the replica there), and another account's, are not named.
    expect(await pull(REPLICA)).toBe(403)
    expect(await pull(REGION, OTHER_ACCOUNT)).toBe(403)
    await registry.removeCrossAccountAccess(name, workerGrant([REGION]))
    expect(await pull(REGION)).toBe(403)
  })

  it('a worker grant without regions reaches every region’s functions of the account, replicas included', async () => {
    await using fake = await startAwsFake()
    const { registry, name, pull } = await repositoryWithImage(fake)
    await registry.addCrossAccountAccess(name, workerGrant([]))
    for (const region of [REGION, REPLICA]) {
      expect(await pull(region), region).toBe(200)
    }
    expect(await pull(REGION, OTHER_ACCOUNT)).toBe(403)
  })

  it('removing the account stops its functions, also when its worker grant is not named', async () => {
    await using fake = await startAwsFake()
    const { registry, name, pull } = await repositoryWithImage(fake)
    await registry.addCrossAccountAccess(name, workerGrant([REGION]))
    await registry.removeCrossAccountAccess(name, ACCOUNT_ONLY)
    expect(await pull(REGION)).toBe(403)
  })

  it('an account grant alone lets the account’s users pull, not its functions', async () => {
    await using fake = await startAwsFake()
    const { registry, name, pull } = await repositoryWithImage(fake)
    await registry.addCrossAccountAccess(name, ACCOUNT_ONLY)
    expect(await pull(REGION)).toBe(403)
  })

  it('a statement of ours under StringEquals lets no function pull, and is refused rather than rewritten as StringLike', async () => {
    await using fake = await startAwsFake()
    const { registry, name, pull } = await repositoryWithImage(fake)
    // StringEquals has no wildcards: `function:*` names no function (a name cannot hold `*`).
    const statements = [
      {
        Sid: 'ArtifactRegistryCrossAccountPull',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      },
      {
        Sid: 'ArtifactRegistryLambdaPull',
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Condition: {
          StringEquals: { 'aws:sourceArn': `arn:aws:lambda:${REGION}:${ACCOUNT}:function:*` },
        },
      },
    ]
    fake.seedPolicy(REGION, name, JSON.stringify({ Version: '2012-10-17', Statement: statements }))
    expect(await pull(REGION)).toBe(403)
    await expect(
      registry.addCrossAccountAccess(name, workerGrant([], [OTHER_ACCOUNT])),
    ).rejects.toMatchObject({ code: 'CONFLICT' })
    expect(await pull(REGION)).toBe(403)
  })

  it('an account granted without worker gets no Lambda pulls from another account’s worker grant', async () => {
    await using fake = await startAwsFake()
    const { registry, name, pull } = await repositoryWithImage(fake)
    await registry.addCrossAccountAccess(name, workerGrant([REGION]))
    await registry.addCrossAccountAccess(name, accountGrant(OTHER_ACCOUNT))
    expect(await pull(REGION)).toBe(200)
    expect(await pull(REGION, OTHER_ACCOUNT)).toBe(403)
  })

  it('an account removed and granted again without worker gets its functions back only with worker', async () => {
    await using fake = await startAwsFake()
    const { registry, name, pull } = await repositoryWithImage(fake)
    await registry.addCrossAccountAccess(name, workerGrant([REGION]))
    await registry.removeCrossAccountAccess(name, ACCOUNT_ONLY)
    await registry.addCrossAccountAccess(name, ACCOUNT_ONLY)
    expect(await pull(REGION)).toBe(403)
  })
})
