import { isArtifactRegistryError, type ProvisionRecorder } from '@artifact-registry/core'
import type { ArtifactRegistryClient, protos } from '@google-cloud/artifact-registry'
import { isDockerFormat, isStandardMode } from '../gar-repository.js'
import { mapError, platformError } from '../map-error.js'
import { type GarRepositoryRef, garResourceName } from '../naming.js'

type Repository = protos.google.devtools.artifactregistry.v1.IRepository

/** The kind of change the GAR repository is reported as. */
export const GAR_REPOSITORY_KIND = 'gar-repository'

/**
 * @internal The ownership mark: the label provisioning gives a GAR repository it creates, its
 * value the repository id. Only a GAR repository carrying it is converged or deleted.
 */
export const OWNERSHIP_LABEL = 'artifact-registry-provisioned'

/** @internal What provisioning found of the GAR repository, and what it did. */
export interface GarRepositoryState {
  /** Whether it exists now (in a dry run: existed before). */
  readonly exists: boolean
  /** Whether this run created it (or would, in a dry run). */
  readonly created: boolean
}

/** @internal The GAR repository, or `undefined` when it does not exist. */
export async function findGarRepository(
  client: ArtifactRegistryClient,
  ref: GarRepositoryRef,
): Promise<Repository | undefined> {
  const name = garResourceName(ref)
  try {
    const [repository] = await client.getRepository({ name })
    return repository
  } catch (err) {
    const mapped = mapError(err, { operation: 'getRepository', resource: name })
    if (mapped.code === 'NOT_FOUND') return undefined
    throw mapped
  }
}

/**
 * @internal Create the Docker-format GAR repository with `labels` and the ownership mark, and
 * wait for the operation; or, when it exists, check it is Docker format and provisioning's own,
 * and add or correct the labels it lacks (labels of its own stay).
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` when it exists in another format; `CONFLICT`
 *   when it exists without the ownership mark.
 */
export async function ensureGarRepository(
  recorder: ProvisionRecorder,
  client: ArtifactRegistryClient,
  ref: GarRepositoryRef,
  labels: Readonly<Record<string, string>>,
): Promise<GarRepositoryState> {
  const name = garResourceName(ref)
  recorder.checkpoint()
  const existing = await findGarRepository(client, ref)
  if (existing === undefined) {
    await recorder.apply({ action: 'create', kind: GAR_REPOSITORY_KIND, id: name }, async () => {
      const parent = `projects/${ref.projectId}/locations/${ref.location}`
      const repository = {
        format: 'DOCKER' as const,
        labels: { ...labels, [OWNERSHIP_LABEL]: ref.repository },
      }
      await waitFor('createRepository', name, () =>
        client.createRepository({ parent, repositoryId: ref.repository, repository }),
      )
    })
    return { exists: !recorder.dryRun, created: true }
  }
  checkDockerFormat(existing, name)
  checkStandardMode(existing, name)
  checkOwnGarRepository(existing, ref)
  const held = existing.labels ?? {}
  const differing = Object.keys(labels).filter((key) => held[key] !== labels[key])
  if (differing.length === 0) {
    recorder.unchanged(GAR_REPOSITORY_KIND, name)
    return { exists: true, created: false }
  }
  const detail = `labels ${differing.join(', ')} missing or different`
  await recorder.apply(
    { action: 'update', kind: GAR_REPOSITORY_KIND, id: name, detail },
    async () => {
      try {
        await client.updateRepository({
          repository: { name, labels: { ...held, ...labels } },
          updateMask: { paths: ['labels'] },
        })
      } catch (err) {
        throw mapError(err, { operation: 'updateRepository', resource: name })
      }
    },
  )
  return { exists: true, created: false }
}

/**
 * @internal Refuse a GAR repository of another format: provisioning never made it, so it is
 * neither converged nor deleted.
 * @throws ArtifactRegistryError `INVALID_CONFIG`.
 */
export function checkDockerFormat(repository: Repository, name: string): void {
  if (isDockerFormat(repository.format)) return
  throw platformError(
    'INVALID_CONFIG',
    `GAR repository ${name} exists as a ${String(repository.format)} repository, which provisioning never creates; container images need a DOCKER one`,
    { issues: [{ path: 'repository', message: 'names a GAR repository of another format' }] },
  )
}

/**
 * @internal Refuse a remote or virtual GAR repository: read-only, serving images from elsewhere,
 * and never made by provisioning (it creates standard ones), so neither converged nor deleted,
 * even when it carries the ownership label.
 * @throws ArtifactRegistryError `INVALID_CONFIG`.
 */
export function checkStandardMode(repository: Repository, name: string): void {
  if (isStandardMode(repository.mode)) return
  throw platformError(
    'INVALID_CONFIG',
    `GAR repository ${name} exists as a ${String(repository.mode)}, which provisioning never creates; image paths need a standard repository`,
    { issues: [{ path: 'repository', message: 'names a remote or virtual GAR repository' }] },
  )
}

/**
 * @internal Refuse a GAR repository without the ownership mark: made by hand or by something
 * else, it is neither adopted nor deleted.
 * @throws ArtifactRegistryError `CONFLICT` naming it.
 */
export function checkOwnGarRepository(repository: Repository, ref: GarRepositoryRef): void {
  if (repository.labels?.[OWNERSHIP_LABEL] === ref.repository) return
  const name = garResourceName(ref)
  throw platformError(
    'CONFLICT',
    `GAR repository ${name} exists but was not made by provisioning (it lacks the label ${OWNERSHIP_LABEL}=${ref.repository}); provisioning neither adopts nor deletes it: choose another repository id, or add that label to hand it over`,
  )
}

/** @internal The image paths (packages) the GAR repository holds. */
export async function garRepositoryImagePaths(
  client: ArtifactRegistryClient,
  ref: GarRepositoryRef,
): Promise<string[]> {
  const parent = garResourceName(ref)
  try {
    const [packages] = await client.listPackages({ parent })
    // Docker packages are named by the URL-encoded image path.
    return packages.map((p) =>
      decodeURIComponent(String(p.name ?? '').split('/packages/')[1] ?? ''),
    )
  } catch (err) {
    throw mapError(err, { operation: 'listPackages', resource: parent })
  }
}

/**
 * @internal Delete the GAR repository, with everything in it, and wait for the operation. A
 * repository already gone counts as deleted.
 */
export async function deleteGarRepository(
  client: ArtifactRegistryClient,
  ref: GarRepositoryRef,
): Promise<void> {
  const name = garResourceName(ref)
  try {
    await waitFor('deleteRepository', name, () => client.deleteRepository({ name }))
  } catch (err) {
    if (!isArtifactRegistryError(err, 'NOT_FOUND')) throw err
  }
}

// --- Internal ---

/** Start a long-running operation and wait until it is done; errors mapped. */
async function waitFor(
  operation: string,
  resource: string,
  start: () => Promise<[{ promise: () => Promise<unknown> }, ...unknown[]]>,
): Promise<void> {
  try {
    const [lro] = await start()
    await lro.promise()
  } catch (err) {
    throw mapError(err, { operation, resource })
  }
}
