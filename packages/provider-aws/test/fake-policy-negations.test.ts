import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import {
  DeleteRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { describe, expect, it } from 'vitest'
import { pushImage, REGION } from './helpers.js'

// The fake is what tells a too-broad policy from a right one, so it must read `NotAction` and
// `NotResource` as IAM does: a statement applies to every action (resource) but those listed. A
// `Deny` that the fake skipped would let a session do what AWS refuses it, and every test of a
// policy relying on one would pass for the wrong reason.

const ROLE = 'arn:aws:iam::123456789012:role/negations'
const ARN = (name: string) => `arn:aws:ecr:${REGION}:123456789012:repository/${name}`

function policy(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements })
}

const ALLOW_ECR = { Effect: 'Allow', Action: 'ecr:*', Resource: '*' }

/** An ECR client signed with a fresh session of {@link ROLE}, destroyed when the test ends. */
async function sessionEcr(
  fake: Awaited<ReturnType<typeof startAwsFake>>,
  sessionPolicy: string | undefined,
): Promise<ECRClient & Disposable> {
  const sts = new STSClient(fake.clientConfig(REGION))
  try {
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'neg', Policy: sessionPolicy }),
    )
    if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined) throw new Error('none')
    const ecr = new ECRClient({
      ...fake.clientConfig(REGION),
      credentials: {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken ?? '',
      },
    })
    return Object.assign(ecr, { [Symbol.dispose]: () => ecr.destroy() })
  } finally {
    sts.destroy()
  }
}

async function denied(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (err: Error) => err.name,
  )
}

describe('AWS fake: NotAction and NotResource, as IAM reads them', () => {
  it('a session Deny with NotResource refuses every other repository', async () => {
    await using fake = await startAwsFake()
    await fake.seedRepository(REGION, 'acme-a')
    await fake.seedRepository(REGION, 'acme-b')
    using ecr = await sessionEcr(
      fake,
      policy(ALLOW_ECR, {
        Effect: 'Deny',
        Action: 'ecr:DescribeRepositories',
        NotResource: ARN('acme-a'),
      }),
    )
    const describe = (name: string) =>
      denied(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] })))
    expect(await describe('acme-a')).toBeUndefined()
    expect(await describe('acme-b')).toBe('AccessDeniedException')
  })

  it('a session Deny with NotAction refuses every other action, on the registry too', async () => {
    await using fake = await startAwsFake()
    await fake.seedRepository(REGION, 'acme-a')
    using ecr = await sessionEcr(
      fake,
      policy(ALLOW_ECR, {
        Effect: 'Deny',
        NotAction: ['ecr:GetAuthorizationToken', 'ecr:BatchGetImage', 'ecr:DescribeRepositories'],
        Resource: '*',
      }),
    )
    expect(await denied(ecr.send(new DeleteRepositoryCommand({ repositoryName: 'acme-a' })))).toBe(
      'AccessDeniedException',
    )
    expect(fake.getRepository(REGION, 'acme-a')).toBeDefined()
    const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}))
    const [username, password] = Buffer.from(
      authorizationData?.[0]?.authorizationToken ?? '',
      'base64',
    )
      .toString('utf8')
      .split(':')
    const login = {
      authMethod: 'basic' as const,
      registry: fake.dataPlane.registry,
      username: username ?? '',
      password: password ?? '',
      expiresAt: null,
    }
    await expect(pushImage(login, 'acme-a', 'v1')).rejects.toThrow(/403/)
  })

  it("a role's Allow with NotAction allows every other action", async () => {
    await using fake = await startAwsFake({
      roles: {
        [ROLE]: {
          policies: [policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: ARN('acme-*') })],
        },
      },
    })
    await fake.seedRepository(REGION, 'acme-a')
    using ecr = await sessionEcr(fake, undefined)
    expect(
      await denied(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['acme-a'] }))),
    ).toBeUndefined()
  })
})
