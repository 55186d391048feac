import type { ArtifactRegistry, Permission } from '@artifact-registry/core'
import { uniqueName } from '../context.js'
import type { ContractTestContext, DataPlaneOptions } from '../types.js'
import type { TestImage } from './data-plane-image.js'
import type { SkopeoLogin, SkopeoSession } from './data-plane-skopeo.js'

/** What each test of the group gets: a fresh provider, the test context, a skopeo session. */
export interface DataPlaneTest<R extends ArtifactRegistry> {
  r: R
  t: ContractTestContext
  skopeo: SkopeoSession
  dataPlane: DataPlaneOptions
}

/** skopeo logged in with new credentials of `permission` for `repository`. */
export async function login<R extends ArtifactRegistry>(
  c: DataPlaneTest<R>,
  repository: string,
  permission: Permission,
): Promise<SkopeoLogin> {
  return c.skopeo.login(await c.r.generateCredentials(repository, permission))
}

/** A new repository (of `logical`) holding a new image, pushed with push-pull credentials. */
export async function repositoryWithImage<R extends ArtifactRegistry>(
  c: DataPlaneTest<R>,
  logical: string = uniqueName('data'),
): Promise<{ name: string; image: TestImage }> {
  const { name } = await c.r.createRepository(logical)
  const image = await c.skopeo.newImage()
  await (await login(c, name, 'push-pull')).push(image, name)
  return { name, image }
}
