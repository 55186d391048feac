import type { ProvisionResult } from '@artifact-registry/core'
import { platformError } from '../map-error.js'
import { garResourceName } from '../naming.js'
import { formerAccounts } from './former-accounts.js'
import {
  checkDockerFormat,
  checkOwnGarRepository,
  checkStandardMode,
  deleteGarRepository,
  findGarRepository,
  GAR_REPOSITORY_KIND,
  garRepositoryImagePaths,
} from './gar-repository.js'
import type { GcpDeprovisionOptions } from './options.js'
import { isOwnServiceAccount, removeServiceAccount } from './service-account.js'
import { type ProvisionedGcpBinding, runSession } from './session.js'

// How many remaining image paths a CONFLICT names before it only counts the rest.
const LISTED_IMAGE_PATHS = 20

/**
 * Delete what `provision` created for these options: the GAR repository (its IAM policy goes
 * with it) and the pull and push service accounts (their policies go with them; IAM turns their
 * bindings elsewhere into `deleted:` members), and every other account of the project carrying
 * provisioning's ownership mark for this GAR repository (one made before `pullServiceAccountId`
 * or `pushServiceAccountId` changed). Nothing else is touched: a GAR repository or an
 * account without provisioning's ownership mark is refused with `CONFLICT`, and a GAR repository
 * of another format or a remote or virtual one, which provisioning never creates, with
 * `INVALID_CONFIG`. While
 * the GAR repository holds images it refuses with `CONFLICT` naming them, unless `force` (then
 * they are deleted with it). Every refusal comes before the first delete. A resource already gone
 * is left out of the changes, so deprovisioning twice succeeds, the second time with no changes.
 * With `dryRun`, only reads are sent.
 *
 * @returns the binding of the options and every change, in order.
 * @throws ArtifactRegistryError `CONFLICT` for a GAR repository or an account provisioning did
 *   not make, or while
 *   images remain and `force` is not set; `INVALID_CONFIG` for bad options (before any call);
 *   the mapped Google error otherwise; the signal's reason when cancelled.
 * @example
 * ```ts
 * await deprovision({ projectId: 'acme-prod', location: 'us-central1', repository: 'images', force: true })
 * ```
 */
export function deprovision(
  options: GcpDeprovisionOptions,
): Promise<ProvisionResult<ProvisionedGcpBinding>> {
  return runSession(
    options,
    'deprovision',
    async ({ options: o, recorder, artifactRegistry, iam }) => {
      const name = garResourceName(o.ref)
      recorder.checkpoint()
      const existing = await findGarRepository(artifactRegistry, o.ref)
      let images: string[] = []
      if (existing !== undefined) {
        checkDockerFormat(existing, name)
        checkStandardMode(existing, name)
        checkOwnGarRepository(existing, o.ref)
        images = await garRepositoryImagePaths(artifactRegistry, o.ref)
        if (images.length > 0 && options.force !== true) {
          throw platformError(
            'CONFLICT',
            `GAR repository ${name} still holds ${images.length} image path(s): ${listed(images)}; delete them, or deprovision with force: true to delete them with it`,
          )
        }
      }
      const accounts = []
      for (const [access, account] of [
        ['pull', o.pullServiceAccount],
        ['push', o.pushServiceAccount],
      ] as const) {
        recorder.checkpoint()
        // Refuses, before anything is deleted, an account someone else made.
        if (await isOwnServiceAccount(iam, o.ref, account, access)) accounts.push(account)
      }
      // Accounts made before pullServiceAccountId or pushServiceAccountId changed: no later run
      // would know them, and their former runtimeMember may still mint their tokens.
      recorder.checkpoint()
      const former = await formerAccounts(iam, o.ref, [
        o.pullServiceAccount.email,
        o.pushServiceAccount.email,
      ])
      if (existing !== undefined) {
        const detail = images.length === 0 ? undefined : `with its images: ${listed(images)}`
        await recorder.apply(
          { action: 'delete', kind: GAR_REPOSITORY_KIND, id: name, ...(detail ? { detail } : {}) },
          () => deleteGarRepository(artifactRegistry, o.ref),
        )
      }
      for (const account of accounts) {
        await removeServiceAccount(recorder, iam, o.ref.projectId, account)
      }
      for (const account of former) {
        const detail = `a former ${account.access} account of ${name} (its id changed since)`
        await removeServiceAccount(recorder, iam, o.ref.projectId, account, detail)
      }
    },
  )
}

// --- Internal ---

function listed(imagePaths: readonly string[]): string {
  const shown = imagePaths.slice(0, LISTED_IMAGE_PATHS).join(', ')
  const rest = imagePaths.length - LISTED_IMAGE_PATHS
  return rest > 0 ? `${shown} and ${rest} more` : shown
}
