import type * as core from '@artifact-registry/core'
import {
  checkPermission,
  instrument,
  resolveCredentialTtl,
  resolveListOptions,
  TTL_RULES,
} from '@artifact-registry/core'
import { accessOf, checkGcpAccess, membersOf } from './access-members.js'
import { GCP_CAPABILITIES } from './capabilities.js'
import { GcpClients } from './clients.js'
import { checkGarRepository, deleteImagePath, imagePathCreatedAt } from './gar-repository.js'
import { changeManagedMembers, type IamPolicy, managedMembers } from './iam-policy.js'
import { CLOUD_PLATFORM_SCOPE, impersonate, READ_ONLY_SCOPE } from './impersonation.js'
import { listRepositories } from './list-repositories.js'
import { platformError } from './map-error.js'
import {
  checkRoutableName,
  garResourceName,
  imagePathOf,
  imageUri,
  routableName,
} from './naming.js'
import { type GcpProviderOptions, type ResolvedOptions, resolveOptions } from './options.js'
import { PLATFORM } from './platform.js'
import { garPolicyTarget, type PolicyTarget, readPolicy, updatePolicy } from './policy-update.js'

/** The Docker username GAR expects with an OAuth access token as password. */
const DOCKER_USERNAME = 'oauth2accesstoken'

/**
 * GCP Artifact Registry behind the `ArtifactRegistry` contract. Image paths live in one GAR
 * repository (routable names `{project}/{garRepo}/{name}`), credentials come from impersonating
 * the pull or push service account, and cross-account grants are IAM bindings on the GAR
 * repository. Every method throws `ArtifactRegistryError`.
 */
export class GcpProvider implements core.ArtifactRegistry {
  /** Always `"gcp"`. */
  readonly platform: string = PLATFORM
  /** See {@link GCP_CAPABILITIES}. */
  readonly capabilities: Readonly<core.Capabilities> = GCP_CAPABILITIES
  /** `https://{location}-docker.pkg.dev`, or the `registryEndpoint` option. */
  readonly registryEndpoint: string
  readonly #options: ResolvedOptions
  readonly #clients: GcpClients
  // The GAR repository is checked once per provider; a failed check is tried again next time.
  #garRepositoryChecked: Promise<void> | undefined

  /** @throws ArtifactRegistryError `INVALID_CONFIG` naming every bad option. */
  constructor(options: GcpProviderOptions) {
    this.#options = resolveOptions(options)
    this.#clients = new GcpClients(options)
    this.registryEndpoint = this.#options.registryEndpoint
  }

  /** No API write (GAR creates image paths on first push): validates the name and checks the GAR repository once. */
  async createRepository(name: string): Promise<core.RepositoryResponse> {
    return this.describe(routableName(this.#options.ref, name))
  }

  /** The routable name, its uri, and when it was first pushed (`null` before that). */
  async getRepository(name: string): Promise<core.RepositoryResponse> {
    return this.describe(name)
  }

  /**
   * The image paths of the GAR repository that hold an image (GAR has a package for each from
   * its first push until it is deleted), sorted; a path created but never pushed is not listed.
   * `prefix` is matched against the image path.
   */
  async listRepositories(
    options?: core.ListRepositoriesOptions,
  ): Promise<core.RepositoryResponse[]> {
    const resolved = resolveListOptions(options, PLATFORM)
    const ref = this.#options.ref
    const client = await this.#clients.artifactRegistry()
    await this.checkGarRepositoryOnce()
    return listRepositories({ client, ref, registryHost: this.registryHost() }, resolved)
  }

  /** Deletes the image path's package (all versions and tags); a missing one is fine. */
  async deleteRepository(name: string): Promise<void> {
    const imagePath = imagePathOf(this.#options.ref, name)
    await deleteImagePath(await this.#clients.artifactRegistry(), this.#options.ref, imagePath)
  }

  /**
   * Impersonates the pull or push service account for `min(ttlSeconds, 3600)` seconds. The
   * token reaches every image path of the GAR repository (see `repositoryScopedCredentials`);
   * a `pull` token has a read-only OAuth scope, so it pulls and nothing more whatever roles its
   * account holds.
   */
  async generateCredentials(
    name: string,
    permission: core.Permission,
    options: core.GenerateCredentialsOptions = {},
  ): Promise<core.ArtifactRegistryCredentials> {
    checkRoutableName(this.#options.ref, name)
    checkPermission(permission, PLATFORM)
    const { seconds } = resolveCredentialTtl(TTL_RULES.gcp, options, PLATFORM)
    // Arguments first, configuration last: a bad call is reported as such on any setup.
    const serviceAccount = this.serviceAccountFor(permission)
    const token = await impersonate({
      source: await this.#clients.auth(),
      endpoint: this.#options.iamCredentialsEndpoint,
      serviceAccount,
      // The account's roles are configuration we cannot vouch for; the scope is ours to narrow.
      scope: permission === 'pull' ? READ_ONLY_SCOPE : CLOUD_PLATFORM_SCOPE,
      lifetimeSeconds: seconds,
    })
    return {
      authMethod: 'basic',
      registry: this.registryHost(),
      username: DOCKER_USERNAME,
      password: token.accessToken,
      expiresAt: token.expiresAt,
    }
  }

  /** Adds members to the GAR repository's `roles/artifactregistry.reader` binding. */
  async addCrossAccountAccess(name: string, access: core.CrossAccountAccess): Promise<void> {
    checkRoutableName(this.#options.ref, name)
    const add = membersOf(checkGcpAccess(access, this.reservedAccounts()))
    await updatePolicy(await this.policyTarget(), (p) => changeManagedMembers(p, { add }))
  }

  /** Removes exactly these members from that binding; other bindings and conditions stay. */
  async removeCrossAccountAccess(name: string, access: core.CrossAccountAccess): Promise<void> {
    checkRoutableName(this.#options.ref, name)
    const remove = membersOf(checkGcpAccess(access, this.reservedAccounts()))
    await updatePolicy(await this.policyTarget(), (p) => changeManagedMembers(p, { remove }))
  }

  /** What the unconditional reader binding grants, minus this provider's own service accounts. */
  async getCrossAccountAccess(name: string): Promise<core.CrossAccountPermissions> {
    checkRoutableName(this.#options.ref, name)
    const policy: IamPolicy = await readPolicy(await this.policyTarget())
    // IAM policies carry no modification time.
    return { access: accessOf(managedMembers(policy), this.reservedAccounts()), lastUpdated: null }
  }

  /** Closes the SDK client this provider created; idempotent. */
  async close(): Promise<void> {
    await this.#clients.close()
  }

  /** Same as {@link GcpProvider.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  // --- Internal ---

  private async describe(name: string): Promise<core.RepositoryResponse> {
    const ref = this.#options.ref
    const imagePath = imagePathOf(ref, name)
    const client = await this.#clients.artifactRegistry()
    await this.checkGarRepositoryOnce()
    const createdAt = await imagePathCreatedAt(client, ref, imagePath)
    return { name, uri: imageUri(this.registryHost(), name), createdAt }
  }

  /** `host[:port]` of the registry endpoint, what `docker login` takes. */
  private registryHost(): string {
    return new URL(this.registryEndpoint).host
  }

  private checkGarRepositoryOnce(): Promise<void> {
    if (this.#garRepositoryChecked === undefined) {
      const pending = this.#clients
        .artifactRegistry()
        .then((client) => checkGarRepository(client, this.#options.ref))
      this.#garRepositoryChecked = pending
      pending.catch(() => {
        this.#garRepositoryChecked = undefined
      })
    }
    return this.#garRepositoryChecked
  }

  private serviceAccountFor(permission: core.Permission): string {
    const field = permission === 'pull' ? 'pullServiceAccount' : 'pushServiceAccount'
    const account = this.#options[field]
    if (account === undefined) {
      throw platformError('INVALID_CONFIG', `${permission} credentials need the ${field} option`, {
        issues: [{ path: field, message: `is required for ${permission} credentials` }],
      })
    }
    return account
  }

  private reservedAccounts(): string[] {
    const { pullServiceAccount, pushServiceAccount } = this.#options
    return [pullServiceAccount, pushServiceAccount]
      .filter((a): a is string => a !== undefined)
      .map((a) => a.toLowerCase())
  }

  private async policyTarget(): Promise<PolicyTarget> {
    return garPolicyTarget(
      await this.#clients.artifactRegistry(),
      garResourceName(this.#options.ref),
      this.#options.policyRetry,
    )
  }
}

/**
 * Create a GCP Artifact Registry provider. SDK clients are created on first use. Async like every
 * provider's factory, so a setup step can be added without changing callers.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming every bad option (a rejection).
 * @example
 * ```ts
 * await using registry = await gcp({ projectId: 'acme-prod', location: 'us-central1', repository: 'images',
 *   pullServiceAccount: 'puller@acme-prod.iam.gserviceaccount.com' })
 * const { name } = await registry.createRepository('my-app') // "acme-prod/images/my-app"
 * ```
 */
export async function gcp(options: GcpProviderOptions): Promise<GcpProvider> {
  return instrument(new GcpProvider(options))
}
