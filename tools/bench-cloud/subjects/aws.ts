import type { AwsCrossAccountAccess } from '@artifact-registry/core'
import { aws } from '@artifact-registry/provider-aws'
import type { RecordedRequest } from '@artifact-registry/testing/fakes'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { LogCursor, type Subject } from '../subject.js'

const PULL_ROLE = 'arn:aws:iam::123456789012:role/acme-pull'
const PUSH_ROLE = 'arn:aws:iam::123456789012:role/acme-push'

/** An account, one of its roles and its Lambda functions in one region. */
const GRANT: AwsCrossAccountAccess = {
  type: 'aws',
  accountIds: ['111111111111'],
  roleArns: ['arn:aws:iam::222222222222:role/puller'],
  regions: ['us-east-1'],
  allowedServiceTypes: ['worker'],
}

/**
 * provider-aws as its README sets it up (a pull and a push role; no account id, so the factory
 * finds it), against the AWS fake: the ECR and STS calls of its request log.
 */
export async function awsSubject(): Promise<Subject> {
  // ECR refuses a policy naming a role IAM does not know: the granted role must exist.
  const fake = await startAwsFake({ principals: GRANT.roleArns })
  const cursor = new LogCursor(() => fake.requests, label)
  return {
    column: 'aws',
    access: GRANT,
    open: () =>
      aws({
        repositoryPrefix: 'acme',
        pullRoleArn: PULL_ROLE,
        pushRoleArn: PUSH_ROLE,
        ...fake.providerOptions('us-east-1'),
      }),
    take: async () => cursor.take(),
    [Symbol.asyncDispose]: () => fake.close(),
  }
}

/** `ecr:…` for the awsJson1_1 calls (named by their `X-Amz-Target`), `sts:…` for the query ones. */
function label(request: RecordedRequest): string {
  const service = request.headers['x-amz-target'] === undefined ? 'sts' : 'ecr'
  return `${service}:${request.operation}`
}
