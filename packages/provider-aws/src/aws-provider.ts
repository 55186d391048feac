import type * as core from '@artifact-registry/core'
import { instrument } from '@artifact-registry/core'
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import { registryHost } from './arn.js'
import { capabilitiesOf } from './capabilities.js'
import { AwsClients } from './clients.js'
import { type AwsContext, allRegions } from './context.js'
import { generateCredentials } from './credentials.js'
import {
  changeCrossAccountAccess,
  getCrossAccountAccess,
  revokeLeftoverGrants,
} from './cross-account.js'
import { listRepositories } from './list-repositories.js'
import { platformError, sdkCall } from './map-error.js'
import { routableNameBudget } from './name-budget.js'
import { checkRoutableName, routableName } from './naming.js'
import { type AwsProviderOptions, type ResolvedOptions, resolveOptions } from './options.js'
import { PLATFORM } from './platform.js'
import { ensureReplication } from './replication.js'
import { createRepository, deleteRepository, describeRepository, toResponse } from './repository.js'
import { SessionCeilings } from './session-ceilings.js'

/**
 * The ECR provider. Prefer {@link aws}, which also finds the account id; construct it directly
 * when the account id is known.
 *
 * @example
 * ```ts
 * const registry = new AwsProvider({ region: 'us-east-1', repositoryPrefix: 'acme', accountId: '123456789012' })
 * ```
 */
export class AwsProvider implements core.ArtifactRegistry {
  readonly platform: string = PLATFORM
  readonly capabilities: Readonly<core.Capabilities>
  /**
   * `https://{account}.dkr.ecr.{region}.amazonaws.com` (`.com.cn` in China), or
   * `options.registryEndpoint`.
   */
  readonly registryEndpoint: string
  readonly #ctx: AwsContext
  /** The longest routable name: ECR's, or what Docker's image-name limit leaves beside each host. */
  readonly #nameBudget: number
  #replication: Promise<void> | undefined

  /** @throws ArtifactRegistryError `INVALID_CONFIG` naming every invalid option. */
  constructor(options: AwsProviderOptions & { accountId: string }) {
    const resolved = resolveOptions(options)
    const accountId = resolved.accountId ?? options.accountId
    this.#ctx = {
      options: resolved,
      clients: new AwsClients(resolved.clientConfig, resolved.region),
      accountId,
      sessionCeilings: new SessionCeilings(),
    }
    this.capabilities = capabilitiesOf(resolved)
    this.registryEndpoint =
      resolved.registryEndpoint ?? `https://${registryHost(accountId, resolved.region)}`
    this.#nameBudget = routableNameBudget(
      accountId,
      allRegions(this.#ctx),
      resolved.registryEndpoint,
    )
  }

  async createRepository(name: string): Promise<core.RepositoryResponse> {
    const routable = routableName(this.#ctx.options.prefix, name, this.#nameBudget)
    await this.#ensureReplication()
    return createRepository(this.#ctx, routable, (region) =>
      revokeLeftoverGrants(this.#ctx, region, routable),
    )
  }

  async getRepository(name: string): Promise<core.RepositoryResponse> {
    const routable = this.#routable(name)
    return toResponse(this.#ctx, await describeRepository(this.#ctx, routable), routable)
  }

  /**
   * This prefix's repositories in the home region, sorted: every page of `DescribeRepositories`,
   * filtered here (ECR has no name filter). `prefix` is matched after `{repositoryPrefix}-`.
   */
  async listRepositories(
    options?: core.ListRepositoriesOptions,
  ): Promise<core.RepositoryResponse[]> {
    return listRepositories(this.#ctx, options)
  }

  async deleteRepository(name: string): Promise<void> {
    await deleteRepository(this.#ctx, this.#routable(name))
  }

  async generateCredentials(
    name: string,
    permission: core.Permission,
    options?: core.GenerateCredentialsOptions,
  ): Promise<core.ArtifactRegistryCredentials> {
    return generateCredentials(this.#ctx, this.#routable(name), permission, options)
  }

  async addCrossAccountAccess(name: string, access: core.CrossAccountAccess): Promise<void> {
    await changeCrossAccountAccess(this.#ctx, this.#routable(name), access, 'add')
  }

  async removeCrossAccountAccess(name: string, access: core.CrossAccountAccess): Promise<void> {
    await changeCrossAccountAccess(this.#ctx, this.#routable(name), access, 'remove')
  }

  async getCrossAccountAccess(name: string): Promise<core.CrossAccountPermissions> {
    return getCrossAccountAccess(this.#ctx, this.#routable(name))
  }

  /** Destroy the SDK clients; calling it again is harmless, and later calls create new ones. */
  async close(): Promise<void> {
    this.#ctx.clients.close()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  #routable(name: string): string {
    return checkRoutableName(this.#ctx.options.prefix, name)
  }

  /** Once per provider; a failure is not cached, so the next create tries again. */
  #ensureReplication(): Promise<void> {
    this.#replication ??= ensureReplication(this.#ctx).catch((err: unknown) => {
      this.#replication = undefined
      throw err
    })
    return this.#replication
  }
}

/**
 * Create an ECR provider. Validates the options, and when `accountId` is not given finds the
 * base identity's account with `sts:GetCallerIdentity` (the registry belongs to it).
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming every invalid option; a mapped error
 *   when the account cannot be found.
 * @example
 * ```ts
 * await using registry = await aws({ region: 'us-east-1', repositoryPrefix: 'acme', pullRoleArn, pushRoleArn })
 * const { name } = await registry.createRepository('my-app')
 * ```
 */
export async function aws(options: AwsProviderOptions): Promise<AwsProvider> {
  const resolved = resolveOptions(options)
  const accountId = resolved.accountId ?? (await callerAccount(resolved))
  return instrument(new AwsProvider({ ...options, accountId }))
}

// --- Internal ---

async function callerAccount(options: ResolvedOptions): Promise<string> {
  const clients = new AwsClients(options.clientConfig, options.region)
  try {
    const out = await sdkCall({ operation: 'GetCallerIdentity' }, () =>
      clients.sts().send(new GetCallerIdentityCommand({})),
    )
    if (out.Account === undefined || !/^\d{12}$/.test(out.Account)) {
      throw platformError('INTERNAL', 'GetCallerIdentity returned no account id')
    }
    return out.Account
  } finally {
    clients.close()
  }
}
