import type { ArtifactRegistry, Permission } from '@artifact-registry/core'
import { registryTest, uniqueName } from '../context.js'
import type { ContractSuiteOptions, ContractTestContext, DataPlaneOptions } from '../types.js'
import type { TestImage } from './data-plane-image.js'
import { type SkopeoLogin, SkopeoSession } from './data-plane-skopeo.js'

/** Why the group's tests are skipped when the caller did not opt in. */
export const DATA_PLANE_NOT_GIVEN =
  'options.dataPlane not given: the data plane group runs only when you pass it (and skopeo is on PATH)'

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

/**
 * Register one test of the group: skipped without `options.dataPlane` (before a provider is
 * made), otherwise run with a fresh provider and a skopeo session that is always closed.
 */
export function dataPlaneTest<R extends ArtifactRegistry>(
  options: ContractSuiteOptions<R>,
  name: string,
  fn: (c: DataPlaneTest<R>) => Promise<void>,
): void {
  const dataPlane = options.dataPlane
  const timeoutMs = options.timeoutMs ?? 30_000
  if (dataPlane === undefined) {
    options.test.it(name, async (t) => t.skip(DATA_PLANE_NOT_GIVEN), timeoutMs)
    return
  }
  registryTest(options, name, async (r, t) => {
    const skopeo = await SkopeoSession.open(dataPlane, timeoutMs)
    try {
      await fn({ r, t, skopeo, dataPlane })
    } finally {
      await skopeo.close()
    }
  })
}
