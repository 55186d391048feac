import type { AwsFake } from '@artifact-registry/testing/fakes/aws'

// ECR and STS requests as the SDKs send them, signed by name only (the fake reads the SigV4
// credential scope and verifies nothing): the fake's tests need no AWS SDK.

/** Who signs a request: the access key id and the region of its credential scope. */
export interface Signer {
  region?: string
  accessKeyId?: string
}

/** An ECR (awsJson1_1) answer. */
export interface EcrAnswer {
  status: number
  json: Record<string, unknown>
  headers: Headers
}

/** Call one ECR operation of the fake. */
export async function ecrCall(
  fake: AwsFake,
  operation: string,
  body: unknown,
  { region = 'us-east-1', accessKeyId = 'AKIDTEST' }: Signer = {},
): Promise<EcrAnswer> {
  const res = await fetch(fake.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonEC2ContainerRegistry_V20150921.${operation}`,
      authorization: sigV4(accessKeyId, region, 'ecr'),
    },
    body: JSON.stringify(body),
  })
  return {
    status: res.status,
    json: (await res.json()) as Record<string, unknown>,
    headers: res.headers,
  }
}

/** Call one STS (awsQuery) action of the fake; the answer is XML. */
export async function stsCall(
  fake: AwsFake,
  params: Record<string, string>,
  { region = 'us-east-1', accessKeyId = 'AKIDTEST' }: Signer = {},
): Promise<{ status: number; xml: string }> {
  const res = await fetch(fake.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: sigV4(accessKeyId, region, 'sts'),
    },
    body: new URLSearchParams({ Version: '2011-06-15', ...params }).toString(),
  })
  return { status: res.status, xml: await res.text() }
}

/** `AssumeRole` through the fake's STS; the session's access key id, or a failure. */
export async function assumeRole(
  fake: AwsFake,
  params: { RoleArn: string; DurationSeconds?: number; Policy?: string },
  signer: Signer = {},
): Promise<{ status: number; xml: string; accessKeyId: string | undefined }> {
  const answer = await stsCall(
    fake,
    {
      Action: 'AssumeRole',
      RoleSessionName: 'test-session',
      RoleArn: params.RoleArn,
      ...(params.DurationSeconds === undefined
        ? {}
        : { DurationSeconds: String(params.DurationSeconds) }),
      ...(params.Policy === undefined ? {} : { Policy: params.Policy }),
    },
    signer,
  )
  const accessKeyId = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(answer.xml)?.[1]
  return { ...answer, accessKeyId }
}

function sigV4(accessKeyId: string, region: string, service: string): string {
  return `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20250101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=00`
}
