import {
  type ArtifactRegistry,
  type ArtifactRegistryCredentials,
  type ArtifactRegistryError,
  type Capabilities,
  type CrossAccountAccess,
  type CrossAccountPermissions,
  checkPermission,
  type GenerateCredentialsOptions,
  instrument,
  type ListRepositoriesOptions,
  type Permission,
  type RepositoryResponse,
  resolveCredentialTtl,
  resolveListOptions,
} from '@artifact-registry/core'
import { ContainerRegistryManagementClient, type ScopeMap } from '@azure/arm-containerregistry'
import { AcrTokens } from './acr-tokens.js'
import { capabilitiesOf } from './capabilities.js'
import { DataPlaneClient } from './data-plane.js'
import { listRepositories } from './list-repositories.js'
import { platformError, repositoryNotFound } from './map-error.js'
import { checkRoutableName, isInNamespace, routableName } from './naming.js'
import {
  type AzureProviderOptions,
  type ResolvedOptions,
  resolveOptions,
  routableNameBudget,
} from './options.js'
import { PLATFORM } from './platform.js'
import { RateLimiter } from './rate-limiter.js'
import { deleteRepositoryContent } from './repository-content.js'
import { RepositoryTokens } from './repository-tokens.js'
import { type Caller, withRetry } from './retry.js'
import { hasRepositoryActions, isScopeMapOf, ScopeMaps, scopeMapName } from './scope-map.js'
import { ACR_TOKEN_USERNAME, type AcrAction, TokenExchange } from './token-exchange.js'

/** The token actions of each permission: push-pull may also delete manifests, as the contract says. */
const ACTIONS: Readonly<Record<Permission, readonly AcrAction[]>> = {
  pull: ['pull'],
  'push-pull': ['pull', 'push', 'delete'],
}

/**
 * The `ArtifactRegistry` of one Azure Container Registry. A repository is recorded as an ARM
 * scope map (`content/read`, `content/write`, `content/delete`, `metadata/read`,
 * `metadata/write` on it); credentials are repository-scoped ACR access tokens obtained by the
 * Entra ID → ACR token exchange, used as Basic with the null GUID. Create it with {@link azure}.
 */
export class AzureProvider implements ArtifactRegistry {
  readonly platform: string = PLATFORM
  /** True to the `credentials` mode: Basic with an exact TTL in `repository-token` mode. */
  readonly capabilities: Readonly<Capabilities>
  /** `https://{loginServer}`. */
  readonly registryEndpoint: string
  readonly #options: ResolvedOptions
  readonly #http: DataPlaneClient
  readonly #call: Caller
  readonly #scopeMaps: ScopeMaps
  readonly #tokens: TokenExchange
  /** Set in `repository-token` mode only. */
  readonly #repositoryTokens: RepositoryTokens | undefined
  #client: ContainerRegistryManagementClient | undefined

  /** @throws ArtifactRegistryError `INVALID_CONFIG` listing every invalid option. */
  constructor(options: AzureProviderOptions) {
    const o = resolveOptions(options)
    this.#options = o
    this.capabilities = capabilitiesOf(o.credentialsMode)
    this.registryEndpoint = `https://${o.loginServer}`
    this.#http = new DataPlaneClient(o.loginServer, o.trustedCa, o.requestTimeoutMs)
    const limiter = new RateLimiter(o.rateLimits, o.clock)
    this.#call = (kind, context, op) =>
      withRetry(
        async () => {
          // Every attempt, retries included, is a request the registry counts.
          await limiter.acquire(kind)
          return op()
        },
        o,
        context,
      )
    const arm = {
      client: () => this.#armClient(),
      resourceGroup: o.resourceGroup,
      registryName: o.registryName,
      pollIntervalMs: o.pollIntervalMs,
      call: this.#call,
    }
    this.#scopeMaps = new ScopeMaps(arm)
    this.#repositoryTokens =
      o.credentialsMode === 'repository-token'
        ? new RepositoryTokens({
            scopeMaps: this.#scopeMaps,
            tokens: new AcrTokens(arm),
            loginServer: o.loginServer,
            clock: o.clock,
            manages: (repository) => isInNamespace(repository, o.repositoryPrefix),
          })
        : undefined
    this.#tokens = new TokenExchange({
      credential: o.credential,
      scope: o.registryScope,
      tenantId: o.tenantId,
      service: o.loginServer,
      http: this.#http,
      call: this.#call,
      clock: o.clock,
    })
  }

  /**
   * Create the repository's scope map; an existing one of the same repository is returned,
   * rewritten to exactly the actions a permission needs if it lacks some (one an older version
   * made) or holds more (another repository's, a wildcard).
   */
  async createRepository(name: string): Promise<RepositoryResponse> {
    const repository = routableName(
      name,
      this.#options.repositoryPrefix,
      routableNameBudget(this.#options.loginServer),
    )
    const existing = await this.#scopeMaps.get(repository)
    if (existing !== undefined) {
      // One an update left Failed is still whoever's it was: never written over if not ours.
      if (!isScopeMapOf(existing, repository)) throw foreignScopeMap(repository)
      const settled = existing.provisioningState !== 'Failed'
      if (settled && hasRepositoryActions(existing, repository)) {
        return this.#response(repository, existing)
      }
    }
    return this.#response(repository, await this.#scopeMaps.create(repository))
  }

  /** Read the repository's scope map; `NOT_FOUND` when there is none. */
  async getRepository(name: string): Promise<RepositoryResponse> {
    const repository = checkRoutableName(name, this.#options.repositoryPrefix)
    return this.#response(repository, await this.#ownScopeMap(repository))
  }

  /**
   * The binding's repositories, sorted: the registry's scope maps through ARM (every page), those
   * that are a repository's own within the prefix. `prefix` is matched after
   * `{repositoryPrefix}/` (from the start of the name without one). Needs `scopeMaps/read` only.
   */
  async listRepositories(options?: ListRepositoriesOptions): Promise<RepositoryResponse[]> {
    const resolved = resolveListOptions(options, PLATFORM)
    const source = {
      scopeMaps: this.#scopeMaps,
      repositoryPrefix: this.#options.repositoryPrefix,
      respond: (repository: string, map: ScopeMap) => this.#response(repository, map),
    }
    return listRepositories(source, resolved)
  }

  /**
   * Delete the repository's content (manifests and tags) and then its scope map. Missing ones are
   * fine; a scope map of the same name that is not ours is left alone, and so is the content. In
   * `repository-token` mode the repository's tokens and `--pull` scope map go first, in every case.
   */
  async deleteRepository(name: string): Promise<void> {
    const repository = checkRoutableName(name, this.#options.repositoryPrefix)
    const map = await this.#scopeMaps.get(repository)
    const foreign = map !== undefined && !isScopeMapOf(map, repository)
    const deleteContentAndScopeMap = async () => {
      if (foreign) return
      await deleteRepositoryContent(repository, {
        tokens: this.#tokens,
        http: this.#http,
        call: this.#call,
      })
      if (map !== undefined) await this.#scopeMaps.delete(repository)
    }
    if (this.#repositoryTokens === undefined) return deleteContentAndScopeMap()
    // Tokens go first (no credential of theirs can push while the content goes) and before the
    // scope maps they are bound to; no token is issued for the repository until it is all gone.
    // Also when the scope map of the repository's name is no longer its own (rewritten by hand):
    // the tokens and the `--pull` scope map are still this repository's (each is checked), and
    // the passwords handed out for them would otherwise outlive a delete that reports success.
    await this.#repositoryTokens.forget(repository, deleteContentAndScopeMap)
  }

  /**
   * Basic credentials for `docker login`, skopeo or podman: the null GUID
   * (`00000000-0000-0000-0000-000000000000`) and an ACR access token for `repository:{name}:pull`
   * or `:pull,push,delete`. ACR decides the token's lifetime (Microsoft's example: 75 minutes);
   * `ttlSeconds` is validated but cannot change it, and `expiresAt` is the token's own `exp`.
   * In `repository-token` mode: the name and a new password of the repository's ACR token for
   * that permission, expiring exactly `ttlSeconds` from now.
   */
  async generateCredentials(
    name: string,
    permission: Permission,
    options?: GenerateCredentialsOptions,
  ): Promise<ArtifactRegistryCredentials> {
    const repository = checkRoutableName(name, this.#options.repositoryPrefix)
    checkPermission(permission, PLATFORM)
    const actions = ACTIONS[permission]
    const ttl = resolveCredentialTtl(this.capabilities.credentialTtl, options, PLATFORM)
    // A push would create content outside our bookkeeping: only repositories we created qualify.
    const ownScopeMap = () => this.#ownScopeMap(repository)
    if (this.#repositoryTokens !== undefined) {
      // Read in turn with a deleteRepository of this repository, never before it.
      return this.#repositoryTokens.issue(repository, ownScopeMap, permission, ttl.seconds)
    }
    await ownScopeMap()
    const { token, expiresAt } = await this.#tokens.repositoryToken(repository, actions)
    const registry = this.#options.loginServer
    const username = ACR_TOKEN_USERNAME
    return { authMethod: 'basic', registry, username, password: token, expiresAt }
  }

  /** Not supported: grant other identities access with Azure RBAC role assignments. */
  async addCrossAccountAccess(_name: string, _access: CrossAccountAccess): Promise<void> {
    throw crossAccountNotSupported()
  }

  /** Not supported: remove Azure RBAC role assignments instead. */
  async removeCrossAccountAccess(_name: string, _access: CrossAccountAccess): Promise<void> {
    throw crossAccountNotSupported()
  }

  /** Not supported: Azure RBAC role assignments list who may pull. */
  async getCrossAccountAccess(_name: string): Promise<CrossAccountPermissions> {
    throw crossAccountNotSupported()
  }

  /** Close idle connections to the login server. Safe to call more than once. */
  async close(): Promise<void> {
    this.#http.close()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  #armClient(): ContainerRegistryManagementClient {
    this.#client ??= new ContainerRegistryManagementClient(
      this.#options.credential,
      this.#options.subscriptionId,
      this.#options.armClientOptions,
    )
    return this.#client
  }

  /** The repository's scope map; `NOT_FOUND` when it has none (or one that is not its own). */
  async #ownScopeMap(repository: string): Promise<ScopeMap> {
    const map = await this.#scopeMaps.get(repository)
    if (map === undefined || !isScopeMapOf(map, repository)) {
      throw repositoryNotFound(repository)
    }
    return map
  }

  #response(repository: string, map: ScopeMap): RepositoryResponse {
    // A scope map still being provisioned is "not ready": uri null, as the contract says.
    const ready = map.provisioningState === undefined || map.provisioningState === 'Succeeded'
    return {
      name: repository,
      uri: ready ? `${this.#options.loginServer}/${repository}` : null,
      createdAt: map.creationDate ?? null,
    }
  }
}

/**
 * Create the provider of one Azure Container Registry. Makes no call: ARM and the login server are
 * first reached by the first operation. Async like every provider's factory.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` listing every invalid option (a rejection).
 * @example
 * ```ts
 * import { DefaultAzureCredential } from '@azure/identity'
 * import { azure } from '@artifact-registry/provider-azure'
 *
 * await using registry = await azure({
 *   subscriptionId: process.env.AZURE_SUBSCRIPTION_ID!,
 *   resourceGroup: 'rg-artifacts',
 *   registryName: 'acmeregistry',
 *   repositoryPrefix: 'team-a',
 *   credential: new DefaultAzureCredential(),
 * })
 * const { name } = await registry.createRepository('web-app')   // 'team-a/web-app'
 * const credentials = await registry.generateCredentials(name, 'pull')
 * ```
 */
export async function azure(options: AzureProviderOptions): Promise<AzureProvider> {
  return instrument(new AzureProvider(options))
}

// --- Internal ---

function crossAccountNotSupported(): ArtifactRegistryError {
  return platformError(
    'NOT_SUPPORTED',
    'Cross-account access is not supported on Azure: grant other identities AcrPull on the registry (or a Container Registry Repository role on ABAC registries) with Azure RBAC',
  )
}

function foreignScopeMap(repository: string): ArtifactRegistryError {
  return platformError(
    'CONFLICT',
    `Scope map "${scopeMapName(repository)}" exists but is not the one of repository "${repository}"; rename or delete it`,
  )
}
