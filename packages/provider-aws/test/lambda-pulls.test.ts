import type { AwsCrossAccountAccess } from '@artifact-registry/core'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
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

/** The account granted, without its functions. */
const ACCOUNT_ONLY: AwsCrossAccountAccess = {
  type: 'aws',
  accountIds: [ACCOUNT],
  roleArns: [],
  regions: [],
  allowedServiceTypes: [],
}

function workerGrant(regions: string[], accountIds = [ACCOUNT]): AwsCrossAccountAccess {
  return { type: 'aws', accountIds, roleArns: [], regions, allowedServiceTypes: ['worker'] }
}

/** A repository replicated to REPLICA, holding `v1`, and the provider that made it. */
async function repositoryWithImage(fake: Awaited<ReturnType<typeof startAwsFake>>) {
  const registry = await providerFor(fake, { replicationRegions: [REPLICA] })
  const { name } = await registry.createRepository(uniqueLogical('lambda'))
  await pushImage(await registry.generateCredentials(name, 'push-pull'), name, 'v1')
  return { registry, name }
}

describe('Lambda functions of a granted account pull as ECR lets them (AWS fake)', () => {
  it('a worker grant of one region lets that region’s functions of the account pull, until it is removed', async () => {
    await using fake = await startAwsFake()
    const { registry, name } = await repositoryWithImage(fake)
    const pull = (functionArn: string) =>
      manifestStatus(fake.lambdaPullCredentials(functionArn), name, 'v1')
    expect(await pull(fn(REGION))).toBe(403)
    await registry.addCrossAccountAccess(name, workerGrant([REGION]))
    expect(await pull(fn(REGION))).toBe(200)
    // Another region's functions (from the replica there), and another account's, are not named.
    expect(await pull(fn(REPLICA))).toBe(403)
    expect(await pull(fn(REGION, OTHER_ACCOUNT))).toBe(403)
    await registry.removeCrossAccountAccess(name, workerGrant([REGION]))
    expect(await pull(fn(REGION))).toBe(403)
  })

  it('a worker grant without regions reaches every region’s functions of the account, replicas included', async () => {
    await using fake = await startAwsFake()
    const { registry, name } = await repositoryWithImage(fake)
    await registry.addCrossAccountAccess(name, workerGrant([]))
    for (const region of [REGION, REPLICA]) {
      expect(await manifestStatus(fake.lambdaPullCredentials(fn(region)), name, 'v1'), region).toBe(
        200,
      )
    }
    expect(
      await manifestStatus(fake.lambdaPullCredentials(fn(REGION, OTHER_ACCOUNT)), name, 'v1'),
    ).toBe(403)
  })

  it('removing the account stops its functions, also when its worker grant is not named', async () => {
    await using fake = await startAwsFake()
    const { registry, name } = await repositoryWithImage(fake)
    await registry.addCrossAccountAccess(name, workerGrant([REGION]))
    await registry.removeCrossAccountAccess(name, ACCOUNT_ONLY)
    expect(await manifestStatus(fake.lambdaPullCredentials(fn(REGION)), name, 'v1')).toBe(403)
  })

  it('an account grant alone lets the account’s users pull, not its functions', async () => {
    await using fake = await startAwsFake()
    const { registry, name } = await repositoryWithImage(fake)
    await registry.addCrossAccountAccess(name, ACCOUNT_ONLY)
    expect(await manifestStatus(fake.lambdaPullCredentials(fn(REGION)), name, 'v1')).toBe(403)
  })

  it('a statement of ours under StringEquals lets no function pull, and is refused rather than rewritten as StringLike', async () => {
    await using fake = await startAwsFake()
    const { registry, name } = await repositoryWithImage(fake)
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
    const pull = () => manifestStatus(fake.lambdaPullCredentials(fn(REGION)), name, 'v1')
    expect(await pull()).toBe(403)
    await expect(
      registry.addCrossAccountAccess(name, workerGrant([], [OTHER_ACCOUNT])),
    ).rejects.toMatchObject({ code: 'CONFLICT' })
    expect(await pull()).toBe(403)
  })

  it('an account granted without worker gets no Lambda pulls from another account’s worker grant', async () => {
    await using fake = await startAwsFake()
    const { registry, name } = await repositoryWithImage(fake)
    await registry.addCrossAccountAccess(name, workerGrant([REGION]))
    await registry.addCrossAccountAccess(name, {
      type: 'aws',
      accountIds: [OTHER_ACCOUNT],
      roleArns: [],
      regions: [],
      allowedServiceTypes: [],
    })
    expect(await manifestStatus(fake.lambdaPullCredentials(fn(REGION)), name, 'v1')).toBe(200)
    expect(
      await manifestStatus(fake.lambdaPullCredentials(fn(REGION, OTHER_ACCOUNT)), name, 'v1'),
    ).toBe(403)
  })

  it('an account removed and granted again without worker gets its functions back only with worker', async () => {
    await using fake = await startAwsFake()
    const { registry, name } = await repositoryWithImage(fake)
    const accountOnly: AwsCrossAccountAccess = {
      type: 'aws',
      accountIds: [ACCOUNT],
      roleArns: [],
      regions: [],
      allowedServiceTypes: [],
    }
    await registry.addCrossAccountAccess(name, workerGrant([REGION]))
    await registry.removeCrossAccountAccess(name, accountOnly)
    await registry.addCrossAccountAccess(name, accountOnly)
    expect(await manifestStatus(fake.lambdaPullCredentials(fn(REGION)), name, 'v1')).toBe(403)
  })
})
