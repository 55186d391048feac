import type { FakeIamPolicy } from './iam-policy-store.js'
import { sameMember } from './member-identity.js'

// The permissions of Artifact Registry's predefined roles that concern Docker repositories (the
// roles also hold the Maven, npm, Python, Apt, Yum and KFP ones). Pull is downloadArtifacts,
// push uploadArtifacts, and deleting a manifest or tag deleteArtifacts.
const READER = [
  'artifactregistry.dockerimages.get',
  'artifactregistry.dockerimages.list',
  'artifactregistry.files.get',
  'artifactregistry.files.list',
  'artifactregistry.locations.get',
  'artifactregistry.locations.list',
  'artifactregistry.packages.get',
  'artifactregistry.packages.list',
  'artifactregistry.projectsettings.get',
  'artifactregistry.repositories.downloadArtifacts',
  'artifactregistry.repositories.get',
  'artifactregistry.repositories.list',
  'artifactregistry.repositories.listEffectiveTags',
  'artifactregistry.repositories.listTagBindings',
  'artifactregistry.repositories.readViaVirtualRepository',
  'artifactregistry.tags.get',
  'artifactregistry.tags.list',
  'artifactregistry.versions.get',
  'artifactregistry.versions.list',
]
const WRITER = [
  ...READER,
  'artifactregistry.files.download',
  'artifactregistry.files.update',
  'artifactregistry.packages.update',
  'artifactregistry.repositories.uploadArtifacts',
  'artifactregistry.tags.create',
  'artifactregistry.tags.update',
]
// The writer cannot delete anything; the repository administrator can.
const REPO_ADMIN = [
  ...WRITER,
  'artifactregistry.files.delete',
  'artifactregistry.packages.delete',
  'artifactregistry.repositories.deleteArtifacts',
  'artifactregistry.tags.delete',
  'artifactregistry.versions.delete',
]

// What a member may do with a service account it holds Service Account Token Creator on: mint
// its tokens and sign as it.
const TOKEN_CREATOR = [
  'iam.serviceAccounts.getAccessToken',
  'iam.serviceAccounts.getOpenIdToken',
  'iam.serviceAccounts.implicitDelegation',
  'iam.serviceAccounts.signBlob',
  'iam.serviceAccounts.signJwt',
]

// Managing service accounts: create, read, delete them and set who may act as them.
const SERVICE_ACCOUNT_ADMIN = [
  'iam.serviceAccounts.create',
  'iam.serviceAccounts.delete',
  'iam.serviceAccounts.disable',
  'iam.serviceAccounts.enable',
  'iam.serviceAccounts.get',
  'iam.serviceAccounts.getIamPolicy',
  'iam.serviceAccounts.list',
  'iam.serviceAccounts.setIamPolicy',
  'iam.serviceAccounts.undelete',
  'iam.serviceAccounts.update',
]

/** @internal The role whose `iam.serviceAccounts.getAccessToken` lets a member impersonate an account. */
export const TOKEN_CREATOR_ROLE = 'roles/iam.serviceAccountTokenCreator'

/** @internal What each predefined role the fake knows grants. */
export const PREDEFINED_ROLES: Readonly<Record<string, (permission: string) => boolean>> = {
  [TOKEN_CREATOR_ROLE]: among(TOKEN_CREATOR),
  'roles/iam.serviceAccountAdmin': among(SERVICE_ACCOUNT_ADMIN),
  'roles/artifactregistry.reader': among(READER),
  'roles/artifactregistry.writer': among(WRITER),
  'roles/artifactregistry.repoAdmin': among(REPO_ADMIN),
  // artifactregistry.*: repositories, their IAM policies, and everything in them.
  'roles/artifactregistry.admin': (permission) => permission.startsWith('artifactregistry.'),
}

/** A custom role's name: `projects/{project}/roles/{id}` or `organizations/{org}/roles/{id}`. */
const CUSTOM_ROLE = /^(projects|organizations)\/[^/]+\/roles\/[A-Za-z0-9_.]+$/

/**
 * @internal The roles that exist: the predefined ones above, and the custom roles a test
 * declared with exactly the permissions it gave them.
 */
export class Roles {
  readonly #custom = new Map<string, ReadonlySet<string>>()

  /** @throws TypeError for a name that is not a custom role's. */
  addCustomRole(name: string, permissions: readonly string[]): void {
    if (!CUSTOM_ROLE.test(name)) {
      throw new TypeError(
        `[gcp-fake] a custom role is projects/{project}/roles/{id} or organizations/{org}/roles/{id}, got ${JSON.stringify(name)}`,
      )
    }
    this.#custom.set(name, new Set(permissions))
  }

  /** Whether a role exists, so a policy may grant it. Other predefined roles pass: IAM has many. */
  exists(role: string): boolean {
    return role.startsWith('roles/') || this.#custom.has(role)
  }

  /**
   * Whether `member` holds `permission` through the policy's unconditional bindings, its email
   * matched in any case as IAM matches it; a binding of `allUsers` or `allAuthenticatedUsers`
   * holds it for every member, since every caller the fake answers is authenticated. The fake
   * does not evaluate conditions, so a conditional binding grants nothing.
   */
  grants(policy: FakeIamPolicy, member: string, permission: string): boolean {
    return policy.bindings.some(
      (b) =>
        b.condition === undefined &&
        b.members.some((m) => EVERYONE.has(m) || sameMember(m, member)) &&
        this.#permits(b.role, permission),
    )
  }

  #permits(role: string, permission: string): boolean {
    const custom = this.#custom.get(role)
    if (custom !== undefined) return custom.has(permission)
    return PREDEFINED_ROLES[role]?.(permission) ?? false
  }
}

/** The members that stand for everyone, authenticated or not, and for every authenticated one. */
const EVERYONE: ReadonlySet<string> = new Set(['allUsers', 'allAuthenticatedUsers'])

function among(permissions: readonly string[]): (permission: string) => boolean {
  const set = new Set(permissions)
  return (permission) => set.has(permission)
}
