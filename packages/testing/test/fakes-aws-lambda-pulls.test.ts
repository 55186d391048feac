import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, describe, expect, it } from 'vitest'
import { ecrCall } from './aws-wire.js'

// The Lambda service pulling a function's image from the AWS fake's registry: both the
// function's creator (an identity of the function's account) and the service, for that function,
// must be allowed by the policy of the repository in the function's region; the service's
// request carries the function's ARN (aws:SourceArn) and account (aws:SourceAccount).

const OWN = '123456789012'
const ACCOUNT = '444455556666'
const FUNCTION = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:image-user`
const PULL = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']

const fake = await startAwsFake({ accountId: OWN })
afterAll(() => fake.close())

const CREATOR = {
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
  Action: PULL,
}
const SERVICE = { Service: 'lambda.amazonaws.com' }
const service = (condition?: Record<string, unknown>): Record<string, unknown> => ({
  Effect: 'Allow',
  Principal: SERVICE,
  Action: PULL,
  ...(condition === undefined ? {} : { Condition: condition }),
})

let repositories = 0
/** A new repository of us-east-1 with `statements` as its policy. */
function repository(statements: readonly Record<string, unknown>[]): string {
  repositories += 1
  const name = `lambda-${repositories}`
  fake.seedRepository('us-east-1', name)
  fake.seedPolicy(
    'us-east-1',
    name,
    JSON.stringify({ Version: '2012-10-17', Statement: statements }),
  )
  return name
}

/** The status of the service's manifest read for `functionArn`: 404 when let in (no such tag). */
async function lambdaPull(functionArn: string, name: string): Promise<number> {
  const { registry, username, password } = fake.lambdaPullCredentials(functionArn)
  const res = await fetch(`http://${registry}/v2/${name}/manifests/latest`, {
    headers: {
      authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
    },
  })
  await res.body?.cancel()
  return res.status
}

describe('AWS fake: the Lambda service pulling a function’s image', () => {
  it('refuses function ARNs it cannot read, and functions of its own account', () => {
    expect(() => fake.lambdaPullCredentials('arn:aws:lambda:us-east-1:4444:function:f')).toThrow(
      /not a Lambda function ARN/,
    )
    expect(() => fake.lambdaPullCredentials(`arn:aws:lambda:us-east-1:${ACCOUNT}:layer:f`)).toThrow(
      /not a Lambda function ARN/,
    )
    expect(() => fake.lambdaPullCredentials(`arn:aws:lambda:us-east-1:${OWN}:function:f`)).toThrow(
      /fake's own account/,
    )
  })

  it('needs both the creator and the service allowed', async () => {
    const both = repository([CREATOR, service()])
    expect(await lambdaPull(FUNCTION, both)).toBe(404)
    expect(await lambdaPull(FUNCTION, repository([service()]))).toBe(403)
    expect(await lambdaPull(FUNCTION, repository([CREATOR]))).toBe(403)
    // Another service's statement is not the Lambda service's.
    const ec2 = { ...service(), Principal: { Service: 'ec2.amazonaws.com' } }
    expect(await lambdaPull(FUNCTION, repository([CREATOR, ec2]))).toBe(403)
    // The service pulls only from the function's region: eu-west-1 holds no such repository.
    expect(await lambdaPull(FUNCTION.replace('us-east-1', 'eu-west-1'), both)).toBe(403)
  })

  it.each([
    [
      'StringLike on aws:SourceArn',
      { StringLike: { 'aws:sourceArn': `arn:aws:lambda:us-east-1:${ACCOUNT}:function:*` } },
      404,
    ],
    ['StringEquals on the exact ARN', { StringEquals: { 'aws:SourceArn': FUNCTION } }, 404],
    ['StringEquals on aws:SourceAccount', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }, 404],
    [
      'ArnLike on any region',
      { ArnLike: { 'aws:SourceArn': `arn:aws:lambda:*:${ACCOUNT}:function:*` } },
      404,
    ],
    [
      'StringLike on another region',
      { StringLike: { 'aws:SourceArn': `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:*` } },
      403,
    ],
    [
      'StringLike on another account',
      { StringLike: { 'aws:SourceArn': 'arn:aws:lambda:us-east-1:777788889999:function:*' } },
      403,
    ],
    // ArnLike compares part by part: the `*` standing for the region cannot also take the account.
    [
      'ArnLike whose wildcard would cross a colon',
      { ArnLike: { 'aws:SourceArn': 'arn:aws:lambda:*:function:*' } },
      403,
    ],
    [
      'StringLike on the same pattern, which may cross',
      { StringLike: { 'aws:SourceArn': 'arn:aws:lambda:*:function:*' } },
      404,
    ],
    [
      'two keys, one of them failing',
      {
        StringLike: {
          'aws:SourceArn': `arn:aws:lambda:*:${ACCOUNT}:function:*`,
          'aws:SourceAccount': '777788889999',
        },
      },
      403,
    ],
    // Several values of a key: any of them may match.
    [
      'two values, the second matching',
      {
        StringLike: {
          'aws:SourceArn': [
            'arn:aws:lambda:eu-west-1:444455556666:function:*',
            `arn:aws:lambda:us-east-1:${ACCOUNT}:function:*`,
          ],
        },
      },
      404,
    ],
    // StringEquals, StringLike and the ARN operators compare values case-sensitively.
    [
      'StringLike in another case',
      { StringLike: { 'aws:SourceArn': `arn:aws:lambda:US-EAST-1:${ACCOUNT}:function:*` } },
      403,
    ],
    // StringEquals has no wildcards: `*` stands for itself.
    [
      'StringEquals on a pattern',
      { StringEquals: { 'aws:SourceArn': `arn:aws:lambda:us-east-1:${ACCOUNT}:function:*` } },
      403,
    ],
    // IAM: "The ArnEquals and ArnLike condition operators behave identically".
    [
      'ArnEquals on a pattern',
      { ArnEquals: { 'aws:SourceArn': `arn:aws:lambda:*:${ACCOUNT}:function:*` } },
      404,
    ],
    [
      'ArnLike on another function',
      { ArnLike: { 'aws:SourceArn': `arn:aws:lambda:us-east-1:${ACCOUNT}:function:other` } },
      403,
    ],
    [
      'two operators, the first failing',
      {
        StringEquals: { 'aws:SourceAccount': '777788889999' },
        StringLike: { 'aws:SourceArn': `arn:aws:lambda:*:${ACCOUNT}:function:*` },
      },
      403,
    ],
    ['a key the fake does not model', { StringEquals: { 'aws:PrincipalOrgID': 'o-example' } }, 403],
    [
      'an operator the fake does not model',
      { StringNotEquals: { 'aws:SourceAccount': '777788889999' } },
      403,
    ],
  ])('a service statement conditioned with %s', async (_, condition, status) => {
    expect(await lambdaPull(FUNCTION, repository([CREATOR, service(condition)]))).toBe(status)
  })

  it('a Deny on a service key applies only when it matches; on another key always', async () => {
    const deny = (condition: Record<string, unknown>) => ({
      Effect: 'Deny',
      Principal: { Service: 'lambda.amazonaws.com' },
      Action: 'ecr:*',
      Condition: condition,
    })
    const elsewhere = deny({ StringLike: { 'aws:SourceArn': 'arn:aws:lambda:eu-west-1:*' } })
    expect(await lambdaPull(FUNCTION, repository([CREATOR, service(), elsewhere]))).toBe(404)
    const here = deny({ StringEquals: { 'aws:SourceAccount': ACCOUNT } })
    expect(await lambdaPull(FUNCTION, repository([CREATOR, service(), here]))).toBe(403)
    const unknown = deny({ Bool: { 'aws:SecureTransport': 'false' } })
    expect(await lambdaPull(FUNCTION, repository([CREATOR, service(), unknown]))).toBe(403)
  })

  // A policy variable takes its value from the request: here the function's own account.
  const variable = ['arn:aws:lambda:*:$', '{aws:SourceAccount}:function:*'].join('')
  it.each([
    // IAM: "The ArnEquals and ArnLike condition operators behave identically".
    [
      'ArnEquals on a pattern',
      { ArnEquals: { 'aws:SourceArn': `arn:aws:lambda:*:${ACCOUNT}:function:*` } },
      SERVICE,
    ],
    // IAM's grammar allows numbers and booleans as condition values.
    ['a number', { StringEquals: { 'aws:SourceAccount': Number(ACCOUNT) } }, SERVICE],
    ['a policy variable', { StringLike: { 'aws:SourceArn': variable } }, SERVICE],
    // IAM documents `{"AWS": "*"}` as the same as `"*"`, which names the service too.
    ['{"AWS": "*"}', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }, { AWS: '*' }],
  ])('a Deny with %s applies to the service', async (_, condition, principal) => {
    const deny = { Effect: 'Deny', Principal: principal, Action: 'ecr:*', Condition: condition }
    expect(await lambdaPull(FUNCTION, repository([CREATOR, service(), deny]))).toBe(403)
  })

  it('an IAM caller’s request carries no service key: an Allow conditioned on one does not let it in', async () => {
    const conditioned = {
      ...CREATOR,
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    }
    const name = repository([conditioned])
    const { accessKeyId } = fake.foreignCredentials({ accountId: ACCOUNT })
    const { json } = await ecrCall(fake, 'GetAuthorizationToken', {}, { accessKeyId })
    const [data] = json.authorizationData as { authorizationToken: string }[]
    const res = await fetch(`http://${fake.dataPlane.registry}/v2/${name}/manifests/latest`, {
      headers: { authorization: `Basic ${data?.authorizationToken}` },
    })
    await res.body?.cancel()
    expect(res.status).toBe(403)
  })
})
