import { isArtifactRegistryError, type ProvisionRecorder } from '@artifact-registry/core'
import { platformError } from '../map-error.js'
import type { GarRepositoryRef } from '../naming.js'
import { garResourceName } from '../naming.js'
import { callIam, type IamApi, serviceAccountName, serviceAccountPath } from './iam-api.js'
import type { AccountRef } from './options.js'

/** The kind of change a service account is reported as. */
export const SERVICE_ACCOUNT_KIND = 'service-account'

/** @internal Which of a GAR repository's two accounts. */
export type AccountAccess = 'pull' | 'push'

/** @internal What provisioning found of an account, and what it did. */
export interface AccountState {
  readonly email: string
  /** The account's resource name, `projects/{project}/serviceAccounts/{email}`. */
  readonly id: string
  /** Whether it exists now (in a dry run: existed before). */
  readonly exists: boolean
  /** Whether this run created it (or would, in a dry run). */
  readonly created: boolean
}

/**
 * @internal The ownership mark: the description provisioning gives an account it creates, naming
 * the access and the full resource name of the GAR repository it is for. Only an account whose
 * description is exactly this is taken as provisioning's own for that GAR repository and access.
 */
export function ownershipMark(ref: GarRepositoryRef, access: AccountAccess): string {
  return `artifact-registry provisioning: ${access} account of ${garResourceName(ref)}`
}

/**
 * @internal Whether the account exists as provisioning's own for this GAR repository and access
 * (`serviceAccounts.get`): `false` when it does not exist.
 * @throws ArtifactRegistryError `CONFLICT` naming the account when it exists without the
 *   ownership mark of this GAR repository and access: provisioning never adopts, grants on or
 *   deletes an account it did not make for it.
 */
export async function isOwnServiceAccount(
  api: IamApi,
  ref: GarRepositoryRef,
  account: AccountRef,
  access: AccountAccess,
): Promise<boolean> {
  const found = await readServiceAccount(api, ref.projectId, account.email)
  if (found === undefined) return false
  const mark = ownershipMark(ref, access)
  if (found.description === mark) return true
  const field = access === 'pull' ? 'pullServiceAccountId' : 'pushServiceAccountId'
  throw platformError(
    'CONFLICT',
    `service account ${account.email} exists but was not made by provisioning as the ${access} account of GAR repository ${garResourceName(ref)} (its description is not "${mark}"); provisioning neither adopts nor deletes it: choose another ${field}, or remove that account yourself`,
  )
}

/**
 * @internal Whether the account of `email` exists and carries provisioning's ownership mark for
 * this GAR repository and access (`serviceAccounts.get`); unlike {@link isOwnServiceAccount}, an
 * account without it is simply not one, never a `CONFLICT`.
 */
export async function carriesOwnershipMark(
  api: IamApi,
  ref: GarRepositoryRef,
  email: string,
  access: AccountAccess,
): Promise<boolean> {
  const found = await readServiceAccount(api, ref.projectId, email)
  return found?.description === ownershipMark(ref, access)
}

/**
 * @internal Create the service account unless it exists as provisioning's own
 * (`serviceAccounts.create`), with the ownership mark as its description and a display name
 * saying which GAR repository and access it is for. `exists` is what {@link isOwnServiceAccount}
 * answered for it. An account created meanwhile by someone else (`ALREADY_EXISTS`) is read again
 * and refused unless it carries the mark.
 *
 * @throws ArtifactRegistryError `CONFLICT` for an account created meanwhile without the mark.
 */
export async function ensureServiceAccount(
  recorder: ProvisionRecorder,
  api: IamApi,
  ref: GarRepositoryRef,
  account: AccountRef,
  access: AccountAccess,
  exists: boolean,
): Promise<AccountState> {
  const id = serviceAccountName(ref.projectId, account.email)
  recorder.checkpoint()
  if (exists) {
    recorder.unchanged(SERVICE_ACCOUNT_KIND, id)
    return { email: account.email, id, exists: true, created: false }
  }
  await recorder.apply({ action: 'create', kind: SERVICE_ACCOUNT_KIND, id }, async () => {
    try {
      await callIam(api, {
        method: 'POST',
        path: `projects/${ref.projectId}/serviceAccounts`,
        data: {
          accountId: account.accountId,
          serviceAccount: {
            displayName: `Artifact registry ${access}: ${ref.repository} (${ref.location})`.slice(
              0,
              100,
            ),
            description: ownershipMark(ref, access),
          },
        },
        operation: 'serviceAccounts.create',
        resource: id,
      })
    } catch (err) {
      if (!isArtifactRegistryError(err, 'ALREADY_EXISTS')) throw err
      // Another run may have made it for this GAR repository; anyone else's is refused.
      await isOwnServiceAccount(api, ref, account, access)
    }
  })
  return { email: account.email, id, exists: !recorder.dryRun, created: true }
}

/**
 * @internal Delete the service account (`serviceAccounts.delete`), which the caller found to be
 * provisioning's own with {@link isOwnServiceAccount}. IAM turns bindings naming it elsewhere
 * into `deleted:` members. One gone meanwhile counts as deleted. `detail`: why, in the change.
 */
export async function removeServiceAccount(
  recorder: ProvisionRecorder,
  api: IamApi,
  projectId: string,
  account: Pick<AccountRef, 'email'>,
  detail?: string,
): Promise<void> {
  const id = serviceAccountName(projectId, account.email)
  const change = { action: 'delete' as const, kind: SERVICE_ACCOUNT_KIND, id }
  await recorder.apply(detail === undefined ? change : { ...change, detail }, async () => {
    try {
      await callIam(api, {
        method: 'DELETE',
        path: serviceAccountPath(projectId, account.email),
        operation: 'serviceAccounts.delete',
        resource: id,
      })
    } catch (err) {
      if (!isArtifactRegistryError(err, 'NOT_FOUND')) throw err
    }
  })
}

// --- Internal ---

/** The account as `serviceAccounts.get` answers it, or `undefined` when it does not exist (404). */
async function readServiceAccount(
  api: IamApi,
  projectId: string,
  email: string,
): Promise<{ description?: string } | undefined> {
  const path = serviceAccountPath(projectId, email)
  try {
    return await callIam<{ description?: string }>(api, {
      method: 'GET',
      path,
      operation: 'serviceAccounts.get',
      resource: email,
    })
  } catch (err) {
    if (isArtifactRegistryError(err, 'NOT_FOUND')) return undefined
    throw err
  }
}
