import type { ProvisionRecorder } from '@artifact-registry/core'
import { nextPage } from '../list-repositories.js'
import { RegistryHttpError } from '../map-error.js'
import type { RegistryClient } from '../registry-client.js'

/** The kind of change for a repository of the binding's namespace, which deprovision deletes. */
export const LOCAL_REPOSITORY = 'local-repository'

/** The catalog page size asked for; the registry may answer fewer, with a `Link` to the rest. */
const PAGE = 1000

/**
 * Every repository of the registry's catalog (admin only), following its `Link` pages to the end.
 * A cancelled run stops between pages, and the page asked for is cancelled with it.
 */
export async function catalog(
  client: RegistryClient,
  recorder: ProvisionRecorder,
  pageSize: number = PAGE,
): Promise<string[]> {
  const names: string[] = []
  let path: string | undefined = `/v2/_catalog?n=${pageSize}`
  const read = new Set([path])
  while (path !== undefined) {
    recorder.checkpoint()
    const res = await client.request('GET', path, {
      ...(recorder.signal && { signal: recorder.signal }),
    })
    if (res.status !== 200) throw new RegistryHttpError(res.status, await res.text(), `GET ${path}`)
    const body = (await res.json()) as { repositories?: unknown }
    if (!Array.isArray(body.repositories))
      throw new RegistryHttpError(res.status, 'no repositories array', `GET ${path}`)
    names.push(...body.repositories.filter((name): name is string => typeof name === 'string'))
    path = nextPage(res.headers.get('link'), client, read)
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
