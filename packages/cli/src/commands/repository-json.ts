import type { RepositoryResponse } from '@artifact-registry/core'
import { isoOrNull } from '../format.js'

/** A repository as `--json` prints it: `{ name, uri, createdAt }`, the date in ISO 8601 or `null`. */
export interface RepositoryJson {
  name: string
  uri: string | null
  createdAt: string | null
}

/** The JSON shape of a repository. */
export function repositoryJson(repository: RepositoryResponse): RepositoryJson {
  return {
    name: repository.name,
    uri: repository.uri,
    createdAt: isoOrNull(repository.createdAt),
  }
}
