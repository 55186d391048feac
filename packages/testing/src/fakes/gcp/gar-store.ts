import type { FakeResponse } from '../fake-server.js'
import { tokenPage } from '../pagination.js'
import type { GcpClock } from './clock.js'
import { googleError, ok, timestamp } from './responses.js'

/**
 * How a GAR repository serves artifacts: a standard one stores what is pushed to it; a remote one
 * (a caching proxy of an upstream such as Docker Hub) and a virtual one (a view of other
 * repositories) are read-only.
 */
export type FakeRepositoryMode = 'STANDARD_REPOSITORY' | 'REMOTE_REPOSITORY' | 'VIRTUAL_REPOSITORY'

/** A GAR repository to create in the fake: `projects/{project}/locations/{location}/repositories/{repository}`. */
export interface FakeGarRepositoryRef {
  project: string
  location: string
  repository: string
  /** @default "STANDARD_REPOSITORY" */
  mode?: FakeRepositoryMode
}

interface RepositoryRecord {
  name: string
  format: string
  mode: FakeRepositoryMode
  description: string
  labels: Record<string, string>
  createTime: string
  updateTime: string
  registryUri: string
}

interface PackageRecord {
  name: string
  displayName: string
  createTime: string
  updateTime: string
}

interface OperationRecord {
  name: string
  pollsLeft: number
  response: Record<string, unknown>
}

const TYPE = 'type.googleapis.com/google.devtools.artifactregistry.v1'
// The fake's page size when a list asks for none (the service picks its own), and GAR's largest.
const DEFAULT_PAGE_SIZE = 100
const MAX_PAGE_SIZE = 1000
const EMPTY_TYPE = 'type.googleapis.com/google.protobuf.Empty'
// REST sends enums as numbers (`$alt=json;enum-encoding=int`); 1 is DOCKER.
const FORMAT_NAMES: Readonly<Record<string, string>> = { 1: 'DOCKER', 2: 'MAVEN', 3: 'NPM' }
// Repository.Mode by number and by name. A create that leaves it unsaid gets a standard repository.
const MODES: Readonly<Record<string, FakeRepositoryMode>> = {
  0: 'STANDARD_REPOSITORY',
  1: 'STANDARD_REPOSITORY',
  2: 'VIRTUAL_REPOSITORY',
  3: 'REMOTE_REPOSITORY',
  MODE_UNSPECIFIED: 'STANDARD_REPOSITORY',
  STANDARD_REPOSITORY: 'STANDARD_REPOSITORY',
  VIRTUAL_REPOSITORY: 'VIRTUAL_REPOSITORY',
  REMOTE_REPOSITORY: 'REMOTE_REPOSITORY',
}

/** @internal GAR repositories, their packages (image paths) and long-running operations. */
export class GarStore {
  readonly #repositories = new Map<string, RepositoryRecord>()
  readonly #packages = new Map<string, Map<string, PackageRecord>>()
  readonly #operations = new Map<string, OperationRecord>()
  #operationIds = 0

  /**
   * @param lroPolls polls an operation takes before it is done (0: done at once).
   * @param clock what create and update times are read from.
   * @param pageLimit the most packages a page of `listPackages` holds, whatever `pageSize` asks.
   */
  constructor(
    private readonly lroPolls: number,
    private readonly clock: GcpClock,
    private readonly pageLimit: number = MAX_PAGE_SIZE,
  ) {}

  /**
   * Create a repository out of band; returns its resource name.
   * @throws TypeError for a repository id GAR refuses.
   */
  seed(ref: FakeGarRepositoryRef): string {
    if (!isRepositoryId(ref.repository)) {
      throw new TypeError(
        `[gcp-fake] GAR refuses the repository id ${JSON.stringify(ref.repository)}`,
      )
    }
    if (ref.mode !== undefined && MODES[ref.mode] !== ref.mode) {
      throw new TypeError(`[gcp-fake] unknown repository mode ${JSON.stringify(ref.mode)}`)
    }
    return this.add(ref, 'DOCKER')
  }

  has(repository: string): boolean {
    return this.#repositories.has(repository)
  }

  /** The resource name of every repository, oldest first. */
  repositoryNames(): string[] {
    return [...this.#repositories.keys()]
  }

  /**
   * The Docker-format repository `{project}/{repository}` names on the registry host, or
   * `undefined` when there is none. The fake serves one registry host for every location, so an
   * id that exists in two locations of a project names neither.
   */
  dockerRepository(project: string, repository: string): string | undefined {
    const found = [...this.#repositories.values()].filter(
      (r) =>
        r.format === 'DOCKER' &&
        r.name.startsWith(`projects/${project}/locations/`) &&
        r.name.endsWith(`/repositories/${repository}`),
    )
    return found.length === 1 ? found[0]?.name : undefined
  }

  /**
   * Whether a repository stores what is pushed to it: only a standard one does. Remote and
   * virtual repositories serve artifacts from elsewhere and are read-only.
   */
  acceptsUploads(repository: string): boolean {
    return this.#repositories.get(repository)?.mode === 'STANDARD_REPOSITORY'
  }

  /**
   * Create the package of an image path, as a first push does; returns the package name.
   * @throws TypeError when the repository does not exist.
   */
  push(repository: string, imagePath: string): string {
    const packages = this.#packages.get(repository)
    if (packages === undefined) {
      throw new TypeError(`[gcp-fake] no repository ${repository}: seed it first`)
    }
    const id = encodeURIComponent(imagePath)
    const existing = packages.get(id)
    const now = timestamp(new Date(this.clock.now()))
    const name = `${repository}/packages/${id}`
    packages.set(id, {
      name,
      displayName: imagePath,
      createTime: existing?.createTime ?? now,
      updateTime: now,
    })
    return name
  }

  /** Image paths (package display names) in a repository. */
  imagePaths(repository: string): string[] {
    return [...(this.#packages.get(repository)?.values() ?? [])].map((p) => p.displayName)
  }

  createRepository(parent: string, id: string | null, body: unknown): FakeResponse {
    if (id === null || !isRepositoryId(id)) {
      return googleError('INVALID_ARGUMENT', 'repositoryId is invalid')
    }
    const [, project, , location] = parent.split('/')
    const name = `${parent}/repositories/${id}`
    if (this.#repositories.has(name)) {
      return googleError('ALREADY_EXISTS', `the repository already exists`)
    }
    const given = (body ?? {}) as { format?: unknown; labels?: unknown; mode?: unknown }
    const invalidLabels = labelsProblem(given.labels)
    if (invalidLabels !== undefined) return googleError('INVALID_ARGUMENT', invalidLabels)
    const mode = MODES[String(given.mode ?? 0)]
    if (mode === undefined)
      return googleError('INVALID_ARGUMENT', `invalid mode ${String(given.mode)}`)
    const format = String(given.format ?? 'DOCKER')
    this.add(
      { project: project ?? '', location: location ?? '', repository: id, mode },
      FORMAT_NAMES[format] ?? format,
      (given.labels ?? {}) as Record<string, string>,
    )
    return this.operation(parent, {
      '@type': `${TYPE}.Repository`,
      ...this.#repositories.get(name),
    })
  }

  getRepository(name: string): FakeResponse {
    const repository = this.#repositories.get(name)
    return repository === undefined ? notFound(name) : ok(repository)
  }

  /**
   * `repositories.patch`: the fields `updateMask` names (`labels`, `description`) take the
   * body's values; any other field in the mask is 400 `INVALID_ARGUMENT`.
   */
  updateRepository(name: string, updateMask: string | null, body: unknown): FakeResponse {
    const repository = this.#repositories.get(name)
    if (repository === undefined) return notFound(name)
    const given = (body ?? {}) as { labels?: unknown; description?: unknown }
    const paths = (updateMask ?? '').split(',').filter((p) => p !== '')
    const unknown = paths.find((p) => !UPDATABLE.includes(p))
    if (paths.length === 0 || unknown !== undefined) {
      return googleError('INVALID_ARGUMENT', `invalid update_mask: ${unknown ?? '(empty)'}`)
    }
    const invalidLabels = labelsProblem(given.labels)
    if (invalidLabels !== undefined) return googleError('INVALID_ARGUMENT', invalidLabels)
    if (paths.includes('labels'))
      repository.labels = { ...((given.labels ?? {}) as Record<string, string>) }
    if (paths.includes('description')) repository.description = String(given.description ?? '')
    repository.updateTime = timestamp(new Date(this.clock.now()))
    return ok(repository)
  }

  listRepositories(parent: string): FakeResponse {
    const repositories = [...this.#repositories.values()].filter((r) =>
      r.name.startsWith(`${parent}/`),
    )
    return ok({ repositories })
  }

  deleteRepository(name: string, onDelete: (name: string) => void): FakeResponse {
    if (!this.#repositories.delete(name)) return notFound(name)
    this.#packages.delete(name)
    onDelete(name)
    return this.operation(parentOf(name), { '@type': EMPTY_TYPE })
  }

  getPackage(repository: string, id: string): FakeResponse {
    const pkg = this.#packages.get(repository)?.get(id)
    return pkg === undefined ? notFound(`${repository}/packages/${id}`) : ok(pkg)
  }

  /**
   * One page of a repository's packages, oldest first, as AIP-158 pages a list: `pageSize` 0
   * means the default, above 1000 is lowered to 1000, below 0 is refused; a `pageToken` must be
   * one this listing answered (`''`: the first page).
   */
  listPackages(repository: string, pageSize: number, pageToken: string): FakeResponse {
    const packages = this.#packages.get(repository)
    if (packages === undefined) return notFound(repository)
    if (!Number.isInteger(pageSize) || pageSize < 0) {
      return googleError('INVALID_ARGUMENT', `page_size must not be negative: ${pageSize}`)
    }
    const asked = pageSize === 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE)
    // A page may hold fewer than asked for (AIP-158): the fake's limit makes callers page on.
    const size = Math.min(asked, this.pageLimit)
    const page = tokenPage([...packages.values()], size, pageToken || undefined, repository)
    if (page === undefined) return googleError('INVALID_ARGUMENT', 'invalid page token')
    const { items, nextToken } = page
    return ok(
      nextToken === undefined ? { packages: items } : { packages: items, nextPageToken: nextToken },
    )
  }

  deletePackage(repository: string, id: string): FakeResponse {
    const packages = this.#packages.get(repository)
    if (packages?.delete(id) !== true) return notFound(`${repository}/packages/${id}`)
    return this.operation(parentOf(repository), { '@type': EMPTY_TYPE })
  }

  getOperation(name: string): FakeResponse {
    const operation = this.#operations.get(name)
    if (operation === undefined) return notFound(name)
    operation.pollsLeft = Math.max(0, operation.pollsLeft - 1)
    return ok(renderOperation(operation))
  }

  // --- Internal ---

  private add(
    ref: FakeGarRepositoryRef,
    format: string,
    labels: Record<string, string> = {},
  ): string {
    const name = `projects/${ref.project}/locations/${ref.location}/repositories/${ref.repository}`
    const now = timestamp(new Date(this.clock.now()))
    const registryUri = `${ref.location}-docker.pkg.dev/${ref.project}/${ref.repository}`
    this.#repositories.set(name, {
      name,
      format,
      mode: ref.mode ?? 'STANDARD_REPOSITORY',
      description: '',
      labels: { ...labels },
      createTime: now,
      updateTime: now,
      registryUri,
    })
    this.#packages.set(name, new Map())
    return name
  }

  private operation(location: string, response: Record<string, unknown>): FakeResponse {
    this.#operationIds += 1
    const name = `${location}/operations/op-${this.#operationIds}`
    const operation = { name, pollsLeft: this.lroPolls, response }
    this.#operations.set(name, operation)
    return ok(renderOperation(operation))
  }
}

// What `repositories.patch` may change, of what the fake models.
const UPDATABLE = ['labels', 'description']
// Google Cloud labels: at most 64; keys start with a lowercase letter; keys and values at most 63
// lowercase letters, digits, `_` and `-`.
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/

/** What is wrong with a repository's labels, or `undefined` when nothing is. */
function labelsProblem(labels: unknown): string | undefined {
  if (labels === undefined || labels === null) return undefined
  if (typeof labels !== 'object' || Array.isArray(labels)) return 'labels must be a map'
  const entries = Object.entries(labels)
  if (entries.length > 64) return 'a resource can have at most 64 labels'
  const bad = entries.find(
    ([k, v]) => !LABEL_KEY.test(k) || typeof v !== 'string' || !LABEL_VALUE.test(v),
  )
  return bad === undefined ? undefined : `invalid label ${JSON.stringify(bad[0])}`
}

function isRepositoryId(id: string): boolean {
  return /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(id)
}

function renderOperation(operation: OperationRecord): Record<string, unknown> {
  const metadata = { '@type': `${TYPE}.OperationMetadata` }
  return operation.pollsLeft > 0
    ? { name: operation.name, metadata, done: false }
    : { name: operation.name, metadata, done: true, response: operation.response }
}

/** `projects/p/locations/l` of a repository name. */
function parentOf(repository: string): string {
  return repository.split('/').slice(0, 4).join('/')
}

function notFound(name: string): FakeResponse {
  return googleError('NOT_FOUND', `Requested entity was not found: ${name}`)
}
