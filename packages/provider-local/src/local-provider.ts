import { randomBytes } from 'node:crypto'
import type * as core from '@artifact-registry/core'
import {
  checkPermission,
  instrument,
  KeyedSerialQueue,
  resolveCredentialTtl,
  resolveListOptions,
  TTL_RULES,
} from '@artifact-registry/core'
import {
  type CredentialsToRevoke,
  type GarbageCollectionResult,
  type LocalRegistry,
  startLocalRegistry,
} from '@artifact-registry/registry-server'
import { LOCAL_CAPABILITIES } from './capabilities.js'
import { type CredentialMinter, embeddedMinter, remoteMinter } from './credential-minter.js'
import {
  cannotListen,
  rememberedPort,
  rememberPort,
  unusableDataDirectory,
} from './embedded-port.js'
import { collectRemoteGarbage } from './garbage-collection.js'
import { listRepositories } from './list-repositories.js'
import { mapError, platformError, repositoryNotFound } from './map-error.js'
import { checkRoutableName, routableName } from './naming.js'
import { type LocalProviderOptions, resolveOptions, routableNameBudget } from './options.js'
import { PLATFORM } from './platform.js'
import { RegistryClient } from './registry-client.js'
import { RepositoryOperations } from './repository-operations.js'
import { checkCredentialsToRevoke } from './revocation.js'
import { type ClosableFetch, fetchTrusting } from './trusting-fetch.js'

/**
 * The local provider: repositories in a local OCI registry (embedded, or at a URL), credentials
 * minted by the registry for one repository and one permission, expiring at exactly the TTL.
 */
export class LocalProvider implements core.ArtifactRegistry {
  readonly platform: string = PLATFORM
  readonly capabilities: Readonly<core.Capabilities> = LOCAL_CAPABILITIES
  readonly registryEndpoint: string
  readonly bindingName: string
  readonly #repositories: RepositoryOperations
  readonly #minter: CredentialMinter
  readonly #client: RegistryClient
  readonly #embedded: LocalRegistry | undefined
  /**
   * Mints and deletes, one at a time per repository. A mint checks that the repository exists,
   * then mints: a delete between the two (which revokes the repository's credentials first) would
   * let the mint come after the revocation, and its credential reach a repository created again
   * under the name. Serialized, a mint either precedes the delete, which revokes it, or follows
   * it and finds no repository. Another process's delete is caught by our registry, which checks
   * again as it mints (see {@link CredentialMinter.mint}); a token service cannot.
   */
  readonly #perRepository = new KeyedSerialQueue()

  /** @internal Use {@link local}. */
  constructor(parts: {
    bindingName: string
    client: RegistryClient
    minter: CredentialMinter
    embedded?: LocalRegistry
  }) {
    this.bindingName = parts.bindingName
    this.registryEndpoint = parts.client.baseUrl
    this.#repositories = new RepositoryOperations(parts.client)
    this.#minter = parts.minter
    this.#client = parts.client
    this.#embedded = parts.embedded
  }

  async createRepository(name: string): Promise<core.RepositoryResponse> {
    const host = new URL(this.registryEndpoint).host
    const routable = routableName(this.bindingName, name, routableNameBudget(host))
    return this.#call('createRepository', async () =>
      this.#response(routable, await this.#repositories.create(routable)),
    )
  }

  async getRepository(name: string): Promise<core.RepositoryResponse> {
    const routable = this.#routable(name)
    return this.#call('getRepository', async () => {
      const found = await this.#repositories.find(routable)
      if (found === undefined) throw repositoryNotFound(routable)
      return this.#response(routable, found.createdAt)
    })
  }

  /**
   * The binding's repositories, sorted: the registry's catalog under `{bindingName}/` (every
   * page), each checked as {@link getRepository} checks it. `prefix` is matched after
   * `{bindingName}/`. Needs the admin credentials, as every catalog request does.
   */
  async listRepositories(
    options?: core.ListRepositoriesOptions,
  ): Promise<core.RepositoryResponse[]> {
    const resolved = resolveListOptions(options, PLATFORM)
    const source = {
      client: this.#client,
      repositories: this.#repositories,
      bindingName: this.bindingName,
      respond: (repository: string, createdAt: Date | null) =>
        this.#response(repository, createdAt),
    }
    try {
      return await this.#call('listRepositories', () => listRepositories(source, resolved))
    } catch (err) {
      resolved.signal?.throwIfAborted()
      throw err
    }
  }

  /** Delete the repository and revoke its credentials (see {@link revokeCredentials}). */
  async deleteRepository(name: string): Promise<void> {
    const routable = this.#routable(name)
    await this.#call('deleteRepository', () =>
      this.#perRepository.run(routable, () =>
        this.#repositories.delete(routable, () => this.#minter.revoke({ repository: routable })),
      ),
    )
  }

  /**
   * Revoke one credential (`{ username }`, as generateCredentials returned it) or every
   * credential of a repository of this binding (`{ repository }`): from now on they, and the
   * tokens issued from them, are refused. A `registry:2` behind the token service honours a
   * token already issued until it expires (the service's `tokenTtlSeconds`, 300 s by default).
   * Resolves to how many credentials were revoked (0 for one already gone).
   *
   * @throws ArtifactRegistryError `INVALID_ARGUMENT` unless exactly one of `username` and
   *   `repository` is given, or for a repository outside this binding.
   */
  async revokeCredentials(
    which: Exclude<CredentialsToRevoke, { namespace: string }>,
  ): Promise<number> {
    const checked = checkCredentialsToRevoke(this.bindingName, which)
    return this.#call('revokeCredentials', () => this.#minter.revoke(checked))
  }

  /**
   * Collect garbage on the registry now: delete the blobs no manifest references any more and
   * older than its grace period (1 h by default), which gives back the disk space of deleted
   * repositories. Safe while pushes go on. The registry also does it on its own, every hour by
   * default. Resolves to what was deleted.
   *
   * @throws ArtifactRegistryError `NOT_SUPPORTED` for a `registry:2` at `url`, which collects
   *   garbage only offline; `PERMISSION_DENIED` for credentials other than the admin's.
   */
  async collectGarbage(): Promise<GarbageCollectionResult> {
    const embedded = this.#embedded
    return this.#call('collectGarbage', () =>
      embedded ? embedded.collectGarbage() : collectRemoteGarbage(this.#client),
    )
  }

  async generateCredentials(
    name: string,
    permission: core.Permission,
    options: core.GenerateCredentialsOptions = {},
  ): Promise<core.ArtifactRegistryCredentials> {
    const routable = this.#routable(name)
    checkPermission(permission, PLATFORM)
    const { seconds } = resolveCredentialTtl(TTL_RULES.local, options, PLATFORM)
    return this.#call('generateCredentials', async () => {
      const minted = await this.#perRepository.run(routable, async () => {
        if ((await this.#repositories.find(routable)) === undefined)
          throw repositoryNotFound(routable)
        const minted = await this.#minter.mint(routable, permission, seconds)
        if (!minted.repositoryChecked) await this.#keepIfRepositoryStays(routable, minted.username)
        return minted
      })
      return {
        authMethod: 'basic',
        registry: new URL(this.registryEndpoint).host,
        username: minted.username,
        password: minted.password,
        expiresAt: minted.expiresAt,
      }
    })
  }

  /**
   * A token service mints without knowing the registry's repositories: a deletion by another
   * process between the check above and the mint would leave a credential for the name created
   * again. Asked once more after the mint: a deletion that went before it is seen here, and the
   * credential revoked; one still under way revokes it itself (it revokes again once the content
   * is gone).
   * @throws ArtifactRegistryError `NOT_FOUND` once the credential is revoked
   */
  async #keepIfRepositoryStays(repository: string, username: string): Promise<void> {
    let stays: boolean
    try {
      stays = (await this.#repositories.find(repository)) !== undefined
    } catch (error) {
      // Not handed out, so not left live: the failure to report is the check's.
      await this.#minter.revoke({ username }).catch(() => {})
      throw error
    }
    if (stays) return
    await this.#minter.revoke({ username })
    throw repositoryNotFound(repository)
  }

  async addCrossAccountAccess(): Promise<void> {
    throw crossAccountNotSupported()
  }

  async removeCrossAccountAccess(): Promise<void> {
    throw crossAccountNotSupported()
  }

  async getCrossAccountAccess(): Promise<core.CrossAccountPermissions> {
    throw crossAccountNotSupported()
  }

  /** Stop the embedded registry, if this provider started one. Safe to call twice. */
  async close(): Promise<void> {
    this.#client.close()
    await this.#embedded?.close()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  #routable(name: string): string {
    return checkRoutableName(this.bindingName, name)
  }

  #response(routable: string, createdAt: Date | null): core.RepositoryResponse {
    return { name: routable, uri: `${new URL(this.registryEndpoint).host}/${routable}`, createdAt }
  }

  async #call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (err) {
      throw mapError(err, { operation: what, resource: this.registryEndpoint })
    }
  }
}

/**
 * Create a local provider. With no `url`, starts an embedded registry (in `dataDir`, or in
 * memory) with auth on, and stops it on `close()`.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming every invalid option (a rejection), and
 *   the errors of starting the embedded registry.
 *
 * @example
 * ```ts
 * await using registry = await local({ bindingName: 'artifacts' })
 * const { name } = await registry.createRepository('prj_abc123') // 'artifacts/prj_abc123'
 * ```
 */
export async function local(given?: LocalProviderOptions): Promise<LocalProvider> {
  const options = resolveOptions(given)
  const { bindingName } = options
  if (options.url === undefined) {
    const admin = options.adminCredentials ?? {
      username: 'admin',
      password: randomBytes(24).toString('base64url'),
    }
    const embedded = await startEmbedded(options, admin).catch((error: unknown) => {
      throw options.dataDir === undefined ? error : unusableDataDirectory(options.dataDir, error)
    })
    const client = new RegistryClient(embedded.url, admin, providerTransport(options))
    return instrument(
      new LocalProvider({ bindingName, client, minter: embeddedMinter(embedded), embedded }),
    )
  }
  const client = new RegistryClient(
    options.url,
    options.adminCredentials,
    providerTransport(options),
    options.tokenServiceUrl,
  )
  return instrument(
    new LocalProvider({ bindingName, client, minter: remoteMinter(client, options) }),
  )
}

// A data directory keeps its port: URIs handed out before a restart must still resolve.
async function startEmbedded(
  options: LocalProviderOptions,
  admin: { username: string; password: string },
): Promise<LocalRegistry> {
  const { dataDir } = options
  const port = options.port ?? (dataDir === undefined ? 0 : await rememberedPort(dataDir))
  // A port of our choosing, read back from the data directory (0 means a first start).
  const remembered = options.port === undefined && port !== 0
  let embedded: LocalRegistry
  try {
    embedded = await startLocalRegistry({
      ...(dataDir && { dataDir }),
      ...(options.tls && { tls: options.tls }),
      ...(options.host && { host: options.host }),
      port,
      adminCredentials: admin,
      ...(options.gcIntervalSeconds !== undefined && {
        gcIntervalSeconds: options.gcIntervalSeconds,
      }),
      ...(options.gcGracePeriodSeconds !== undefined && {
        gcGracePeriodSeconds: options.gcGracePeriodSeconds,
      }),
    })
  } catch (error) {
    throw cannotListen(options.host ?? '127.0.0.1', port, remembered, error)
  }
  try {
    if (dataDir !== undefined) await rememberPort(dataDir, embedded.port)
  } catch (error) {
    await embedded.close()
    throw error
  }
  return embedded
}

/** The global `fetch` (undefined), unless a CA to trust is known: the given one, or the served certificate. */
function providerTransport(options: LocalProviderOptions): ClosableFetch | undefined {
  const trusted = [options.caCertificate, options.url === undefined ? options.tls?.cert : undefined]
  const ca = trusted.filter((pem) => pem !== undefined)
  return ca.length > 0 ? fetchTrusting(ca) : undefined
}

function crossAccountNotSupported(): core.ArtifactRegistryError {
  return platformError(
    'NOT_SUPPORTED',
    'Cross-account access is not supported: a local registry has no cloud accounts. Give another party access by minting credentials with generateCredentials.',
  )
}
