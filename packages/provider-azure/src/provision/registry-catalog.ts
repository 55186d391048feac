import { DataPlaneClient, DataPlaneError } from '../data-plane.js'
import { TokenExchange } from '../token-exchange.js'
import type { ProvisionContext } from './context.js'

/** The first page of a registry's repositories, and whether there are more. */
export interface RepositoryPage {
  readonly names: readonly string[]
  readonly more: boolean
}

/** How many repository names one `CONFLICT` lists. */
const PAGE_SIZE = 100

/**
 * The repositories of the registry (those holding anything), from its catalog: the provisioning
 * identity's Entra ID token is exchanged at the login server for one with scope
 * `registry:catalog:*` (ACR lets an identity that may pull list the catalog, or one with
 * `Container Registry Repository Catalog Lister` on ABAC registries), then `GET /v2/_catalog`.
 */
export async function listRepositories(
  ctx: ProvisionContext,
  loginServer: string,
): Promise<RepositoryPage> {
  const { runtime } = ctx.resolved
  const http = new DataPlaneClient(loginServer, runtime.trustedCa, runtime.requestTimeoutMs)
  try {
    const exchange = new TokenExchange({
      credential: runtime.credential,
      scope: runtime.registryScope,
      tenantId: runtime.tenantId,
      service: loginServer,
      http,
      call: (_kind, context, op) => ctx.call(context, op),
      clock: runtime.clock,
    })
    const token = await exchange.accessToken('registry:catalog:*')
    const answer = await ctx.call(
      { operation: 'list repositories', resource: loginServer },
      async () => {
        const response = await http.send('GET', `/v2/_catalog?n=${PAGE_SIZE}`, {
          authorization: `Bearer ${token}`,
        })
        if (response.status !== 200) throw new DataPlaneError(response, 'GET /v2/_catalog')
        return response
      },
    )
    const repositories = (answer.body as { repositories?: unknown } | null)?.repositories
    const names = Array.isArray(repositories)
      ? repositories.filter((r) => typeof r === 'string')
      : []
    return { names, more: answer.headers.link !== undefined }
  } finally {
    http.close()
  }
}
