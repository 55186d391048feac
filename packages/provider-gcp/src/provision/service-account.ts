import { isArtifactRegistryError, type ProvisionRecorder } from '@artifact-registry/core'
import type { GarRepositoryRef } from '../naming.js'
import { garResourceName } from '../naming.js'
import { callIam, type IamApi, serviceAccountName, serviceAccountPath } from './iam-api.js'
import type { AccountRef } from './options.js'

/** The kind of change a service account is reported as. */
export const SERVICE_ACCOUNT_KIND = 'service-account'

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

/** @internal Whether a service account exists (`serviceAccounts.get`; 404 is no). */
export async function serviceAccountExists(
  api: IamApi,
  projectId: string,
  email: string,
): Promise<boolean> {
  const path = serviceAccountPath(projectId, email)
  try {
    await callIam(api, { method: 'GET', path, operation: 'serviceAccounts.get', resource: email })
    return true
  } catch (err) {
    if (isArtifactRegistryError(err, 'NOT_FOUND')) return false
    throw err
  }
}

/**
 * @internal Create the service account unless it exists (`serviceAccounts.create`). Its display
 * name says which GAR repository and access it is for. An account created meanwhile by someone
 * else (`ALREADY_EXISTS`) is taken as it is.
 */
export async function ensureServiceAccount(
  recorder: ProvisionRecorder,
  api: IamApi,
  ref: GarRepositoryRef,
  account: AccountRef,
  access: 'pull' | 'push',
): Promise<AccountState> {
  const id = serviceAccountName(ref.projectId, account.email)
  recorder.checkpoint()
  if (await serviceAccountExists(api, ref.projectId, account.email)) {
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
            displayName: `Artifact registry ${access}: ${ref.repository}`.slice(0, 100),
            description: `${access === 'pull' ? 'Pulls from' : 'Pushes to and deletes in'} GAR repository ${garResourceName(ref)}`,
          },
        },
        operation: 'serviceAccounts.create',
        resource: id,
      })
    } catch (err) {
      if (!isArtifactRegistryError(err, 'ALREADY_EXISTS')) throw err
    }
  })
  return { email: account.email, id, exists: !recorder.dryRun, created: true }
}

/**
 * @internal Delete the service account (`serviceAccounts.delete`) when it exists; `unchanged`
 * when it is already gone. IAM turns bindings naming it elsewhere into `deleted:` members.
 */
export async function removeServiceAccount(
  recorder: ProvisionRecorder,
  api: IamApi,
  projectId: string,
  account: AccountRef,
): Promise<void> {
  const id = serviceAccountName(projectId, account.email)
  recorder.checkpoint()
  if (!(await serviceAccountExists(api, projectId, account.email))) {
    recorder.unchanged(SERVICE_ACCOUNT_KIND, id)
    return
  }
  await recorder.apply({ action: 'delete', kind: SERVICE_ACCOUNT_KIND, id }, async () => {
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
