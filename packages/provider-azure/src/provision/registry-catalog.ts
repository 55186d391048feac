import { DataPlaneClient, DataPlaneError } from '../data-plane.js'
import { TokenExchange } from '../token-exchange.js'
import type { ProvisionContext } from './context.js'

/** How many repository names one catalog request asks for. */
const PAGE_SIZE = 100
/** The next page of `GET /v2/_catalog`, as the distribution spec's `Link` header names it. */
const NEXT_PAGE = /<([^>]+)>\s*;\s*rel="?next"?/

/**
 * Every repository of the registry (those holding anything), from its catalog, page by page
 * (following the `Link` header): the provisioning
 * identity's Entra ID token is exchanged at the login server for one with scope
 * `registry:catalog:*` (ACR lets an identity that may pull list the catalog, or one with
 * `Container Registry Repository Catalog Lister` on ABAC registries), then `GET /v2/_catalog`.
 */
export async function listRepositories(
  ctx: ProvisionContext,
  loginServer: string,
): Promise<string[]> {
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
    const names: string[] = []
    for (let page: string | undefined = `/v2/_catalog?n=${PAGE_SIZE}`; page !== undefined; ) {
      const path: string = page
      const answer = await ctx.call(
        { operation: 'list repositories', resource: loginServer },
        async () => {
          const response = await http.send('GET', path, { authorization: `Bearer ${token}` })
          if (response.status !== 200) throw new DataPlaneError(response, 'GET /v2/_catalog')
          return response
        },
      )
      const repositories = (answer.body as { repositories?: unknown } | null)?.repositories
      if (Array.isArray(repositories)) {
        names.push(...repositories.filter((r): r is string => typeof r === 'string'))
      }
      page = nextPage(answer.headers.link)
    }
    return names
  } finally {
    http.close()
  }
}

// --- Internal ---

/** The path of the next catalog page, or `undefined` on the last one. */
function nextPage(link: string | undefined): string | undefined {
  const target = NEXT_PAGE.exec(link ?? '')?.[1]
  if (target === undefined) return undefined
  const url = new URL(target, 'https://registry.invalid')
  return `${url.pathname}${url.search}`
}
