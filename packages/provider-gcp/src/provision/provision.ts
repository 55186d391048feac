import type { ProvisionResult } from '@artifact-registry/core'
import { READER_ROLE } from '../iam-policy.js'
import { platformError } from '../map-error.js'
import { garResourceName } from '../naming.js'
import { garPolicyTarget } from '../policy-update.js'
import { revokeFormerAccounts } from './former-accounts.js'
import { ensureGarRepository } from './gar-repository.js'
import { ensureMember } from './iam-member.js'
import type { GcpProvisionOptions } from './options.js'
import { ensureServiceAccount, isOwnServiceAccount } from './service-account.js'
import { serviceAccountPolicyTarget } from './service-account-policy.js'
import { type ProvisionedGcpBinding, runSession } from './session.js'
import { ensureSoleMember } from './sole-member.js'

/** The push account's role: push-pull credentials delete manifests and tags, which the writer role cannot. */
const PUSH_ROLE = 'roles/artifactregistry.repoAdmin'
/** What lets the runtime mint the accounts' tokens (`iam.serviceAccounts.getAccessToken`). */
const TOKEN_CREATOR_ROLE = 'roles/iam.serviceAccountTokenCreator'

/**
 * Create, or converge, what the GCP runtime needs: the Docker-format GAR repository, the pull and
 * push service accounts, `roles/artifactregistry.reader` (pull) and
 * `roles/artifactregistry.repoAdmin` (push) for them on the GAR repository, and
 * `roles/iam.serviceAccountTokenCreator` for `runtimeMember` on each account, as the only
 * unconditional member of that role there (any other, such as a former `runtimeMember`, is
 * removed: `delete`); a former pull or push account of the GAR repository (provisioning's, before
 * its id changed) loses its role there (`delete`). What exists as wanted is `unchanged`; a missing grant is added back
 * (`update`); every other binding and member stays as it is. The GAR repository is created with an ownership mark (the label
 * `artifact-registry-provisioned`), each account with one (its description names the access and
 * the GAR repository); an existing resource without its mark is never adopted. With `dryRun`,
 * only reads are sent.
 *
 * @returns the binding for the runtime and every change, in order.
 * @throws ArtifactRegistryError `CONFLICT` naming a GAR repository or an account that exists
 *   without its ownership mark (before any write); `INVALID_CONFIG` for bad options (before any call) or a GAR
 *   repository of another format, or a remote or virtual one; the mapped Google error otherwise; the signal's reason when
 *   cancelled.
 * @example
 * ```ts
 * const { binding, changes } = await provision({
 *   projectId: 'acme-prod',
 *   location: 'us-central1',
 *   repository: 'images',
 *   runtimeMember: 'serviceAccount:api@acme-prod.iam.gserviceaccount.com',
 * })
 * ```
 */
export function provision(
  options: GcpProvisionOptions,
): Promise<ProvisionResult<ProvisionedGcpBinding>> {
  return runSession(
    options,
    'provision',
    async ({ options: o, recorder, artifactRegistry, iam }) => {
      const { runtimeMember } = o
      // resolveProvisionOptions requires it to provision; this keeps the type honest.
      if (runtimeMember === undefined) {
        throw platformError('INVALID_CONFIG', 'provision needs runtimeMember')
      }
      // Accounts someone else made are refused before anything is written.
      recorder.checkpoint()
      const pullExists = await isOwnServiceAccount(iam, o.ref, o.pullServiceAccount, 'pull')
      recorder.checkpoint()
      const pushExists = await isOwnServiceAccount(iam, o.ref, o.pushServiceAccount, 'push')
      const repository = await ensureGarRepository(recorder, artifactRegistry, o.ref, o.labels)
      const pull = await ensureServiceAccount(
        recorder,
        iam,
        o.ref,
        o.pullServiceAccount,
        'pull',
        pullExists,
      )
      const push = await ensureServiceAccount(
        recorder,
        iam,
        o.ref,
        o.pushServiceAccount,
        'push',
        pushExists,
      )
      const repositoryPolicy = garPolicyTarget(
        artifactRegistry,
        garResourceName(o.ref),
        o.policyRetry,
      )
      for (const [account, role, access] of [
        [pull, READER_ROLE, 'pull'],
        [push, PUSH_ROLE, 'push'],
      ] as const) {
        const policy = await ensureMember(recorder, {
          kind: 'gar-repository-iam-binding',
          target: repositoryPolicy,
          role,
          member: `serviceAccount:${account.email}`,
          resourceExists: repository.exists,
          resourceCreated: repository.created,
          memberCreated: account.created,
        })
        // Accounts renamed since (pullServiceAccountId, pushServiceAccountId) lose their grant.
        await revokeFormerAccounts(recorder, iam, o.ref, {
          target: repositoryPolicy,
          role,
          access,
          current: account.email,
          policy,
        })
      }
      // The accounts are provisioning's: only the runtime may mint their tokens. A former
      // runtimeMember (rotated) or a member added by hand would otherwise keep push access.
      for (const account of [pull, push]) {
        await ensureSoleMember(recorder, {
          kind: 'service-account-iam-binding',
          target: serviceAccountPolicyTarget(iam, o.ref.projectId, account.email, o.policyRetry),
          role: TOKEN_CREATOR_ROLE,
          member: runtimeMember,
          resourceExists: account.exists,
          resourceCreated: account.created,
          memberCreated: false,
        })
      }
    },
  )
}
