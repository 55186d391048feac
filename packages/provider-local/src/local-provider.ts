import { randomBytes } from 'node:crypto'
import {
  type ArtifactRegistry,
  type ArtifactRegistryCredentials,
  ArtifactRegistryError,
  assertUsableName,
  type Capabilities,
  type CrossAccountPermissions,
  type GenerateCredentialsOptions,
  instrument,
  type LocalBinding,
  type Permission,
  type RepositoryResponse,
  resolveCredentialTtl,
  TTL_RULES,
  toPlatformName,
} from '@artifact-registry/core'
import { type LocalRegistry, startLocalRegistry } from '@artifact-registry/registry-server'
import { type CredentialMinter, embeddedMinter, remoteMinter } from './credential-minter.js'
import { cannotListen, rememberedPort, rememberPort } from './embedded-port.js'
import { mapError } from './map-error.js'
import type { LocalProviderOptions } from './options.js'
import { PLATFORM } from './platform.js'
import { RegistryClient } from './registry-client.js'
import { checkRegistryUrl } from './registry-url.js'
import { RepositoryOperations } from './repository-operations.js'
import { type ClosableFetch, fetchTrusting } from './trusting-fetch.js'

const CAPABILITIES: Capabilities = {
  crossAccountAccess: null,
  implicitRepositories: false,
  credentialAuthMethod: 'basic',
  repositoryScopedCredentials: true,
  credentialTtl: TTL_RULES.local,
}

/**
 * The local provider: repositories in a local OCI registry (embedded, or at a URL), credentials
 * minted by the registry for one repository and one permission, expiring at exactly the TTL.
 */
export class LocalProvider implements ArtifactRegistry {
  readonly platform: string = PLATFORM
  readonly capabilities: Readonly<Capabilities> = CAPABILITIES
  readonly registryEndpoint: string
  readonly bindingName: string
  readonly #repositories: RepositoryOperations
  readonly #minter: CredentialMinter
  readonly #client: RegistryClient
  readonly #embedded: LocalRegistry | undefined

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

  async createRepository(name: string): Promise<RepositoryResponse> {
    assertUsableName(name, PLATFORM)
    const routable = `${this.bindingName}/${toPlatformName('oci', name, { maxLength: 255 - this.bindingName.length - 1, platform: PLATFORM })}`
    return this.#call('createRepository', async () =>
      this.#response(routable, await this.#repositories.create(routable)),
    )
  }

  async getRepository(name: string): Promise<RepositoryResponse> {
    const routable = this.#routable(name)
    return this.#call('getRepository', async () => {
      const found = await this.#repositories.find(routable)
      if (found === undefined) throw notFound(routable)
      return this.#response(routable, found.createdAt)
    })
  }

  async deleteRepository(name: string): Promise<void> {
    const routable = this.#routable(name)
    await this.#call('deleteRepository', () => this.#repositories.delete(routable))
  }

  async generateCredentials(
    name: string,
    permission: Permission,
    options: GenerateCredentialsOptions = {},
  ): Promise<ArtifactRegistryCredentials> {
    const routable = this.#routable(name)
    if (permission !== 'pull' && permission !== 'push-pull') {
      throw new ArtifactRegistryError(
        'INVALID_ARGUMENT',
        `[provider-local] permission must be "pull" or "push-pull", got ${JSON.stringify(permission)}`,
        { platform: PLATFORM },
      )
    }
    const { seconds } = resolveCredentialTtl(TTL_RULES.local, options, PLATFORM)
    return this.#call('generateCredentials', async () => {
      if ((await this.#repositories.find(routable)) === undefined) throw notFound(routable)
      const minted = await this.#minter.mint(routable, permission, seconds)
      return {
        authMethod: 'basic',
        registry: new URL(this.registryEndpoint).host,
        username: minted.username,
        password: minted.password,
        expiresAt: minted.expiresAt,
      }
    })
  }

  async addCrossAccountAccess(): Promise<void> {
    throw crossAccountNotSupported()
  }

  async removeCrossAccountAccess(): Promise<void> {
    throw crossAccountNotSupported()
  }

  async getCrossAccountAccess(): Promise<CrossAccountPermissions> {
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

  // A routable name must be a valid name inside this binding's namespace: another binding's
  // repositories are not this provider's to see.
  #routable(name: string): string {
    assertUsableName(name, PLATFORM)
    const prefix = `${this.bindingName}/`
    if (!name.startsWith(prefix) || name.length === prefix.length) throw notFound(name)
    return name
  }

  #response(routable: string, createdAt: Date | null): RepositoryResponse {
    return { name: routable, uri: `${new URL(this.registryEndpoint).host}/${routable}`, createdAt }
  }

  async #call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (err) {
      throw mapError(err, what, this.registryEndpoint)
    }
  }
}

/**
 * Create a local provider. With no `url`, starts an embedded registry (in `dataDir`, or in
 * memory) with auth on, and stops it on `close()`.
 *
 * @example
 * ```ts
 * await using registry = await local({ bindingName: 'artifacts' })
 * const { name } = await registry.createRepository('prj_abc123') // 'artifacts/prj_abc123'
 * ```
 */
export async function local(options: LocalProviderOptions = {}): Promise<LocalProvider> {
  const bindingName = options.bindingName ?? 'artifacts'
  if (options.url !== undefined) {
    checkRegistryUrl(options.url)
    const embeddedOnly = (['tls', 'port', 'host', 'dataDir'] as const).filter(
      (field) => options[field] !== undefined,
    )
    if (embeddedOnly.length > 0) {
      throw new TypeError(
        `${embeddedOnly.join(', ')}: for the embedded registry only; the registry at url is configured where it runs`,
      )
    }
  }
  if (options.url === undefined) {
    const admin = options.adminCredentials ?? {
      username: 'admin',
      password: randomBytes(24).toString('base64url'),
    }
    const embedded = await startEmbedded(options, admin)
    const client = new RegistryClient(embedded.url, admin, providerTransport(options))
    return instrument(
      new LocalProvider({ bindingName, client, minter: embeddedMinter(embedded), embedded }),
    )
  }
  const client = new RegistryClient(
    options.url,
    options.adminCredentials,
    providerTransport(options),
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

/** Build a provider from a validated `local` binding (used by `createArtifactRegistry`). */
export function fromBinding(binding: LocalBinding): Promise<LocalProvider> {
  return local({
    ...(binding.url && { url: binding.url }),
    ...(binding.bindingName && { bindingName: binding.bindingName }),
    ...(binding.dataDir && { dataDir: binding.dataDir }),
    ...(binding.adminCredentials && { adminCredentials: binding.adminCredentials }),
    ...(binding.caCertificate && { caCertificate: binding.caCertificate }),
    ...(binding.port !== undefined && { port: binding.port }),
  })
}

/** The global `fetch` (undefined), unless a CA to trust is known: the given one, or the served certificate. */
function providerTransport(options: LocalProviderOptions): ClosableFetch | undefined {
  const trusted = [options.caCertificate, options.url === undefined ? options.tls?.cert : undefined]
  const ca = trusted.filter((pem) => pem !== undefined)
  return ca.length > 0 ? fetchTrusting(ca) : undefined
}

function notFound(name: string): ArtifactRegistryError {
  return new ArtifactRegistryError('NOT_FOUND', `[provider-local] Repository "${name}" not found`, {
    platform: PLATFORM,
  })
}

function crossAccountNotSupported(): ArtifactRegistryError {
  return new ArtifactRegistryError(
    'NOT_SUPPORTED',
    '[provider-local] Cross-account access is not supported: a local registry has no cloud accounts. Give another party access by minting credentials with generateCredentials.',
    { platform: PLATFORM },
  )
}
