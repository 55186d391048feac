import type { Permission } from '@artifact-registry/core'

/**
 * Actions on the one repository that `pull` credentials may use: reading manifests and layers,
 * and `ListImages`, which the registry API's tag list needs (`skopeo list-tags`, `crane ls`). A
 * pull never asks whether a layer exists (`BatchCheckLayerAvailability`): a push does.
 */
export const PULL_ACTIONS: readonly string[] = [
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
  'ecr:ListImages',
]

/**
 * Actions on the one repository that `push-pull` credentials may use: pull, the layer checks and
 * the upload flow of a push, `PutImage`, and `BatchDeleteImage` because the contract's
 * `push-pull` also allows deleting manifests.
 */
export const PUSH_PULL_ACTIONS: readonly string[] = [
  ...PULL_ACTIONS,
  'ecr:BatchCheckLayerAvailability',
  'ecr:BatchDeleteImage',
  'ecr:CompleteLayerUpload',
  'ecr:InitiateLayerUpload',
  'ecr:PutImage',
  'ecr:UploadLayerPart',
]

/** The only registry-wide action: `docker login` needs a token, which is not a repository resource. */
export const TOKEN_ACTION = 'ecr:GetAuthorizationToken'

/**
 * The statements that allow exactly the actions of `permission` on `repositories` (ARNs, `*`
 * patterns allowed), plus `ecr:GetAuthorizationToken`: what a session of that permission may do,
 * and what the role behind it must allow (provisioning writes them into the roles).
 */
export function permissionStatements(
  repositories: string | readonly string[],
  permission: Permission,
): Record<string, unknown>[] {
  return [
    {
      Sid: 'Repository',
      Effect: 'Allow',
      Action: [...(permission === 'pull' ? PULL_ACTIONS : PUSH_PULL_ACTIONS)],
      Resource: typeof repositories === 'string' ? repositories : [...repositories],
    },
    { Sid: 'AuthorizationToken', Effect: 'Allow', Action: TOKEN_ACTION, Resource: '*' },
  ]
}

/**
 * The inline session policy passed to `sts:AssumeRole`. The session's permissions are the
 * intersection of the role's own policies and this one, so whatever the role may do, the
 * credentials reach exactly one repository ARN with exactly the actions of `permission`.
 */
export function sessionPolicy(repositoryArn: string, permission: Permission): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: permissionStatements(repositoryArn, permission),
  })
}
