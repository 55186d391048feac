import type { ProvisionContext } from './context.js'
import { document, type IamPolicyDocument } from './policy-documents.js'

/**
 * What the runtime's own identity calls on the repositories under its prefix: create, describe
 * (`getRepository`, and before credentials), delete, and the repository policy of cross-account
 * grants. The README's IAM permissions table lists the same actions for the base identity.
 */
export const RUNTIME_REPOSITORY_ACTIONS: readonly string[] = [
  'ecr:CreateRepository',
  'ecr:DescribeRepositories',
  'ecr:DeleteRepository',
  'ecr:GetRepositoryPolicy',
  'ecr:SetRepositoryPolicy',
  'ecr:DeleteRepositoryPolicy',
]

/**
 * With replicas, the runtime reads the registry's replication rules before its first
 * `createRepository`. Provisioning has merged the rule already, so the runtime never writes it
 * (nor creates ECR's service-linked role).
 */
export const RUNTIME_REPLICATION_ACTIONS: readonly string[] = ['ecr:DescribeRegistry']

/**
 * The least the runtime identity (a trusted principal) needs: its own repository actions on
 * `repositories`, `ecr:DescribeRepositories` on every repository of the home region for
 * `listRepositories`, `sts:AssumeRole` on the two roles, and with replicas the replication read.
 */
export function runtimePolicy(
  ctx: Pick<ProvisionContext, 'partition' | 'region' | 'accountId'>,
  repositories: readonly string[],
  roleArns: readonly string[],
  replicated: boolean,
): IamPolicyDocument {
  const statements: Record<string, unknown>[] = [
    {
      Sid: 'Repositories',
      Effect: 'Allow',
      Action: [...RUNTIME_REPOSITORY_ACTIONS],
      Resource: [...repositories],
    },
    // Wider than the prefix on purpose: ECR authorizes a listing (DescribeRepositories without
    // names) on every repository of the region, never on a prefix; the runtime keeps only the
    // prefix's names, and the action reads no images.
    {
      Sid: 'ListRepositories',
      Effect: 'Allow',
      Action: 'ecr:DescribeRepositories',
      Resource: `arn:${ctx.partition}:ecr:${ctx.region}:${ctx.accountId}:repository/*`,
    },
    { Sid: 'AssumeRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [...roleArns] },
  ]
  if (replicated) {
    statements.push({
      Sid: 'Replication',
      Effect: 'Allow',
      Action: [...RUNTIME_REPLICATION_ACTIONS],
      Resource: '*',
    })
  }
  return document(statements)
}
