import type {
  ArtifactRegistry,
  ArtifactRegistryCredentials,
  Permission,
} from '@artifact-registry/core'
import type { ExpectStatic } from 'vitest'

/** What {@link grantAndRefuse} did, and the events its calls must settle with. */
export interface GrantAndRefuse {
  /** The routable name `createRepository` answered. */
  readonly name: string
  /** The credentials granted: their password must appear in no event. */
  readonly credentials: ArtifactRegistryCredentials
  /** The settled operation events of the calls, in order. */
  readonly settled: readonly object[]
}

/**
 * The calls of a provider's debug-events test: creates `logical`, generates `permission`
 * credentials for it and asks for a permission that does not exist (checked to be refused with
 * `INVALID_ARGUMENT`), then lists repositories when the provider can (whose event carries no
 * repository and no prefix). The events expected name `platform`, the provider's own id.
 */
export async function grantAndRefuse(
  expect: ExpectStatic,
  registry: ArtifactRegistry,
  expected: { platform: string; logical: string; permission: Permission },
): Promise<GrantAndRefuse> {
  const { platform, logical, permission } = expected
  const { name } = await registry.createRepository(logical)
  const credentials = await registry.generateCredentials(name, permission)
  await expect(registry.generateCredentials(name, 'admin' as Permission)).rejects.toMatchObject({
    code: 'INVALID_ARGUMENT',
  })
  const listed = registry.listRepositories
    ? [await registry.listRepositories({ prefix: logical })]
    : []
  const generate = { platform, operation: 'generateCredentials', repository: name }
  const settled = [
    { platform, operation: 'createRepository', repository: logical },
    { ...generate, permission },
    {
      ...generate,
      errorCode: 'INVALID_ARGUMENT',
      errorName: 'ArtifactRegistryError',
      errorMessage: expect.any(String),
    },
    ...listed.map(() => ({ platform, operation: 'listRepositories' })),
  ]
  return { name, credentials, settled }
}
