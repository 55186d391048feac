import type { AuthorizedRequest } from '@artifact-registry/registry-server'

/**
 * The ECR IAM actions a registry (Docker Registry HTTP API) request needs on its repository, as
 * ECR's documentation lists them for pulling, pushing and deleting images:
 * - reads: a manifest `ecr:BatchGetImage`, a blob `ecr:GetDownloadUrlForLayer`, a blob's
 *   existence (`HEAD`) `ecr:BatchCheckLayerAvailability`;
 * - the layer upload flow: `ecr:InitiateLayerUpload`, `ecr:UploadLayerPart`,
 *   `ecr:CompleteLayerUpload` (a monolithic upload, `POST` with `digest`, is all three);
 * - a manifest write `ecr:PutImage`, a manifest delete `ecr:BatchDeleteImage`;
 * - a tag list (and the referrers list) `ecr:ListImages`.
 *
 * `undefined`: ECR offers no such operation through the registry API (deleting a blob, the
 * catalog, this registry's admin endpoints), so nobody but the fake itself may use it.
 */
export function ecrActionsFor(request: AuthorizedRequest): string[] | undefined {
  const { method, endpoint, searchParams } = request
  const read = method === 'GET' || method === 'HEAD'
  switch (endpoint) {
    case 'version':
      return []
    case 'manifest':
      if (read) return ['ecr:BatchGetImage']
      if (method === 'PUT') return ['ecr:PutImage']
      return method === 'DELETE' ? ['ecr:BatchDeleteImage'] : undefined
    case 'blob':
      if (method === 'HEAD') return ['ecr:BatchCheckLayerAvailability']
      return method === 'GET' ? ['ecr:GetDownloadUrlForLayer'] : undefined
    case 'uploads':
      return searchParams.has('digest')
        ? ['ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload']
        : ['ecr:InitiateLayerUpload']
    case 'upload':
      // Asking about or cancelling an upload belongs to the upload, as sending a part does.
      return method === 'PUT' ? ['ecr:CompleteLayerUpload'] : ['ecr:UploadLayerPart']
    case 'tags':
    case 'referrers':
      return ['ecr:ListImages']
    default:
      return undefined
  }
}
