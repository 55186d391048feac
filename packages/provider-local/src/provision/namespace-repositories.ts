import { RegistryHttpError } from '../map-error.js'
import type { RegistryClient } from '../registry-client.js'

/** The kind of change for a repository of the binding's namespace, which deprovision deletes. */
export const LOCAL_REPOSITORY = 'local-repository'

/** The catalog page size asked for; the registry may answer fewer, with a `Link` to the rest. */
const PAGE = 1000

/**
 * Every repository of the registry's catalog (admin only), following its `Link` pages to the end.
 * `checkpoint` runs before each page, so a cancelled run stops between requests.
 */
export async function catalog(
  client: RegistryClient,
  checkpoint: () => void,
  pageSize: number = PAGE,
): Promise<string[]> {
  const names: string[] = []
  let path: string | undefined = `/v2/_catalog?n=${pageSize}`
  while (path !== undefined) {
    checkpoint()
    const res = await client.expect([200], 'GET', path)
    const body = (await res.json()) as { repositories?: unknown }
    if (!Array.isArray(body.repositories))
      throw new RegistryHttpError(res.status, 'no repositories array', `GET ${path}`)
    names.push(...body.repositories.filter((name): name is string => typeof name === 'string'))
    path = nextPage(res.headers.get('link'))
  }
  return names
}

/** "1 repository", "2 repositories". */
export function repositories(count: number): string {
  return `${count} ${count === 1 ? 'repository' : 'repositories'}`
}

/** The names of `names` in the namespace `{bindingName}/`, sorted. */
export function inNamespace(names: readonly string[], bindingName: string): string[] {
  return names.filter((name) => name.startsWith(`${bindingName}/`)).sort()
}

// --- Internal ---

// `Link: </v2/_catalog?n=1000&last=x>; rel="next"` (OCI Distribution: listing repositories).
function nextPage(link: string | null): string | undefined {
  const target = link?.match(/<([^>]+)>\s*;\s*rel="?next"?/)?.[1]
  if (target === undefined) return undefined
  const url = new URL(target, 'http://registry.invalid')
  return `${url.pathname}${url.search}`
}
