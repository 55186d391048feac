import { randomBytes } from 'node:crypto'
import {
  type ArtifactRegistry,
  type ArtifactRegistryCredentials,
  ArtifactRegistryError,
  assertUsableName,
  type Capabilities,
  type CrossAccountAccess,
  type CrossAccountPermissions,
  imageNameBudget,
  type ListRepositoriesOptions,
  type Permission,
  type RepositoryResponse,
  resolveCredentialTtl,
  resolveListOptions,
  resolveTtl,
  sortByName,
  TTL_RULES,
  type TtlRule,
  toPlatformName,
} from '@artifact-registry/core'

/** Deliberate defects, used to prove that the suite fails on a wrong provider. */
export type Fault =
  | 'lying-capabilities'
  | 'delete-noop'
  | 'ttl-ignored'
  | 'case-folding'
  | 'remove-clears-all'
  | 'remove-needs-account'
  | 'push-pull-ttl-ignored'
  | 'racy-grants'
  | 'empty-name-accepted'
  | 'options-unchecked'
  | 'outside-not-found'
  | 'namespace-without-separator'
  | 'lying-grant-scope'
  | 'list-without-capability'
  | 'list-unsorted'
  | 'list-first-page-only'
  | 'list-ignores-prefix'
  | 'list-other-bindings'
  | 'list-keeps-deleted'
  | 'list-options-unchecked'
  | 'host-outside-name-budget'
  /** Grant changes skip the namespace check: another binding's repository can be granted. */
  | 'grant-outside-namespace'
  /** deleteRepository leaves the repository's grants, which come back with the name. */
  | 'delete-keeps-grants'
  /** Push-pull credentials asked for no TTL live a day, not the declared default. */
  | 'push-pull-default-ttl-ignored'
  /** Pull credentials asked for more than the platform's longest lifetime get all of it. */
  | 'pull-over-limit-unclamped'
  /** An adapted name gets a new random suffix at every create: the same name maps elsewhere. */
  | 'adapted-names-unstable'
  /**
   * `expiresAt` is worked out from the TTL asked for, not the one issued: below the platform's
   * shortest lifetime, the credentials outlive what it says.
   */
  | 'expiry-from-request'
  /** generateCredentials mints for a name whether or not its repository exists. */
  | 'mints-for-missing'
  /**
   * The grant methods check the namespace as a prefix but not the name, and resolve it as a URL
   * path would: `artifacts/../other/x` reaches the repository `other/x` of another binding.
   */
  | 'grant-name-unchecked'
  /** removeCrossAccountAccess reports success for a name whose repository does not exist. */
  | 'revoke-missing-succeeds'
  /** listRepositories leaves out every repository whose name has a `/` below the namespace. */
  | 'list-top-level-only'
  /**
   * deleteRepository deletes every repository whose name starts with the one given, as a delete
   * by prefix or of a whole directory would: `a-b` and `a/b` go with `a`.
   */
  | 'delete-by-prefix'
  /**
   * A TTL of `Infinity` passes as a whole number (`Math.floor(ttl) === ttl`) and is clamped to
   * the longest lifetime, where a lifetime that can never be issued must be refused.
   */
  | 'infinite-ttl-clamped'
  /**
   * A TTL of `0` passes a check for negative numbers (`ttl < 0`) and is raised to the shortest
   * lifetime, where credentials that expire at once were asked for and none can be issued.
   */
  | 'zero-ttl-raised'
  /**
   * A grant reaches every repository whose name extends the granted one's (`a-b` and `a/b` with
   * `a`), as a policy whose resource is matched as a pattern (`a*`) would.
   */
  | 'grants-by-prefix'
  /**
   * listRepositories resolves the namespace and the prefix as a URL path would: the prefix
   * `../other/` lists the repositories of the binding `other`.
   */
  | 'list-prefix-resolved'

export interface ReferenceOptions {
  crossAccount?: 'aws' | 'gcp' | null
  implicitRepositories?: boolean
  /** Keep one set of grants for every repository, as GAR keeps IAM on the GAR repository. */
  sharedGrants?: boolean
  faults?: readonly Fault[]
  /** Offer `listRepositories` (and declare it). */
  list?: boolean
  /** The namespace of this binding. @default "artifacts" */
  binding?: string
  /** Where repositories are kept: share one between providers to put two bindings side by side. */
  repositories?: Map<string, Date>
  /** The credential lifetimes it issues and declares. @default TTL_RULES.local */
  credentialTtl?: TtlRule
  /**
   * Refuse a listing prefix holding a `..` segment with this code, as a provider that checks a
   * prefix as it checks a name (`a/../b` is `INVALID_NAME`) may. @default such a prefix is taken
   * as text
   */
  refuseDotSegmentPrefix?: 'INVALID_NAME' | 'INVALID_ARGUMENT'
}

const PLATFORM = 'reference'
const HOST = 'registry.reference.test'
const DEFAULT_BINDING = 'artifacts'
/** How many repositories a page of the reference provider's (simulated) listing holds. */
const PAGE_SIZE = 2

/** An in-memory provider that follows the contract; the suite's self-test runs against it. */
export function reference(options: ReferenceOptions = {}): ArtifactRegistry {
  const faults = new Set(options.faults ?? [])
  const sharedGrants = options.sharedGrants ?? false
  const binding = options.binding ?? DEFAULT_BINDING
  const repositories = options.repositories ?? new Map<string, Date>()
  const ttlRule = options.credentialTtl ?? TTL_RULES.local
  // A deleted repository the listing fault keeps showing.
  const deletedNames = new Set<string>()
  const grants = new Map<string, Map<string, Set<string>>>()
  const declaredCrossAccount = faults.has('lying-capabilities')
    ? 'aws'
    : (options.crossAccount ?? null)
  const capabilities: Capabilities = {
    crossAccountAccess: declaredCrossAccount,
    implicitRepositories: options.implicitRepositories ?? false,
    credentialAuthMethod: 'basic',
    repositoryScopedCredentials: true,
    repositoryScopedGrants: !sharedGrants !== faults.has('lying-grant-scope'),
    credentialTtl: ttlRule,
    ...(options.list === true &&
      !faults.has('list-without-capability') && { listRepositories: true }),
  }

  const routable = (logical: string): string => {
    if (faults.has('empty-name-accepted') && logical === '') return `${binding}/`
    if (faults.has('case-folding'))
      return `${binding}/${logical.toLowerCase().replace(/[^a-z0-9/_.-]/g, '-')}`
    // The whole image name, host included, within Docker's 255 characters.
    const budget = faults.has('host-outside-name-budget') ? 255 : imageNameBudget(HOST, 255)
    const maxLength = budget - binding.length - 1
    const platformName = toPlatformName('oci', logical, { maxLength, platform: PLATFORM })
    // The fault ends an adapted name with random digits in place of its hash's last ones.
    if (faults.has('adapted-names-unstable') && platformName !== logical)
      return `${binding}/${platformName.slice(0, -8)}${randomBytes(4).toString('hex')}`
    return `${binding}/${platformName}`
  }
  const inNamespace = (name: string): string => {
    assertUsableName(name, PLATFORM)
    // The fault checks the binding's name without its `/`, so `artifactsz/x` passes for `artifacts`.
    const namespace = faults.has('namespace-without-separator') ? binding : `${binding}/`
    if (name.startsWith(namespace)) return name
    throw faults.has('outside-not-found') ? notFound(name) : outsideNamespace(name, binding)
  }
  const existing = (name: string): string => {
    inNamespace(name)
    if (!repositories.has(name) && !capabilities.implicitRepositories) throw notFound(name)
    return name
  }
  const crossAccount = (access?: CrossAccountAccess): 'aws' | 'gcp' => {
    if (options.crossAccount === null || options.crossAccount === undefined) {
      throw new ArtifactRegistryError(
        'NOT_SUPPORTED',
        `[${PLATFORM}] cross-account access is not supported`,
        {
          platform: PLATFORM,
        },
      )
    }
    if (access !== undefined) checkAccess(options.crossAccount, access)
    return options.crossAccount
  }
  const response = (name: string): RepositoryResponse => ({
    name,
    uri: `${HOST}/${name}`,
    createdAt: repositories.get(name) ?? null,
  })

  return {
    platform: PLATFORM,
    capabilities,
    registryEndpoint: `https://${HOST}`,
    async createRepository(logical) {
      if (!faults.has('empty-name-accepted')) assertUsableName(logical, PLATFORM)
      const name = routable(logical)
      if (!repositories.has(name)) repositories.set(name, new Date())
      return response(name)
    },
    async getRepository(name) {
      return response(existing(name))
    },
    async deleteRepository(name) {
      inNamespace(name)
      if (faults.has('delete-noop')) return
      const doomed = faults.has('delete-by-prefix')
        ? [...repositories.keys()].filter((held) => held.startsWith(name))
        : [name]
      for (const gone of doomed) {
        if (repositories.delete(gone)) deletedNames.add(gone)
        // Its grants go with it, as ECR deletes a repository's policy: a repository created again
        // under the name must not hand its pull access back to the accounts of the deleted one.
        if (!sharedGrants && !faults.has('delete-keeps-grants')) grants.delete(gone)
      }
    },
    ...(options.list === true && { listRepositories }),
    async generateCredentials(name, permission: Permission, opts = {}) {
      if (faults.has('mints-for-missing')) inNamespace(name)
      else existing(name)
      if (permission !== 'pull' && permission !== 'push-pull') {
        throw new ArtifactRegistryError('INVALID_ARGUMENT', `[${PLATFORM}] unknown permission`, {
          platform: PLATFORM,
        })
      }
      const { seconds } = faults.has('options-unchecked')
        ? resolveTtl(ttlRule, typeof opts === 'object' ? opts?.ttlSeconds : undefined)
        : faults.has('infinite-ttl-clamped') && opts?.ttlSeconds === Number.POSITIVE_INFINITY
          ? { seconds: ttlRule.maxSeconds }
          : faults.has('zero-ttl-raised') && opts?.ttlSeconds === 0
            ? { seconds: ttlRule.minSeconds }
            : resolveCredentialTtl(ttlRule, opts, PLATFORM)
      const requested = typeof opts === 'object' ? opts?.ttlSeconds : undefined
      const lifetime =
        faults.has('ttl-ignored') ||
        (faults.has('push-pull-ttl-ignored') && permission !== 'pull') ||
        (faults.has('push-pull-default-ttl-ignored') &&
          permission !== 'pull' &&
          requested === undefined)
          ? 86_400
          : faults.has('pull-over-limit-unclamped') &&
              permission === 'pull' &&
              requested !== undefined
            ? requested
            : seconds
      // The fault's credentials really live `lifetime`: only what it reports is wrong.
      const reported =
        faults.has('expiry-from-request') && requested !== undefined ? requested : lifetime
      const credentials: ArtifactRegistryCredentials = {
        authMethod: 'basic',
        registry: HOST,
        username: `${permission}-${randomBytes(4).toString('hex')}`,
        password: randomBytes(16).toString('hex'),
        expiresAt: new Date(Date.now() + reported * 1000),
      }
      return credentials
    },
    async addCrossAccountAccess(name, access) {
      crossAccount(access)
      await changeGrants(name, (held) => {
        for (const [field, values] of listFields(access)) {
          for (const v of values) held.get(field)?.add(v) ?? held.set(field, new Set([v]))
        }
      })
    },
    async removeCrossAccountAccess(name, access) {
      crossAccount(access)
      if (faults.has('revoke-missing-succeeds') && !repositories.has(inNamespace(name))) return
      await changeGrants(name, (held) => {
        if (faults.has('remove-clears-all')) return held.clear()
        // The fault skips a removal that names no account or project: its other identities stay.
        const firstField = access.type === 'aws' ? access.accountIds : access.projectNumbers
        if (faults.has('remove-needs-account') && firstField.length === 0) return
        for (const [field, values] of listFields(access))
          for (const v of values) held.get(field)?.delete(v)
      })
    },
    async getCrossAccountAccess(name): Promise<CrossAccountPermissions> {
      const type = crossAccount()
      const target = grantTarget(name)
      const held = faults.has('grants-by-prefix') ? grantsReaching(target) : grantsOf(target)
      const list = (field: string): string[] => [...(held.get(field) ?? [])]
      const access: CrossAccountAccess =
        type === 'aws'
          ? {
              type,
              accountIds: list('accountIds'),
              roleArns: list('roleArns'),
              regions: list('regions'),
              allowedServiceTypes: list('allowedServiceTypes') as 'worker'[],
            }
          : {
              type,
              projectNumbers: list('projectNumbers'),
              serviceAccountEmails: list('serviceAccountEmails'),
              allowedServiceTypes: list('allowedServiceTypes') as 'worker'[],
            }
      return { access, lastUpdated: null }
    },
    async close() {},
    async [Symbol.asyncDispose]() {},
  }

  async function listRepositories(opts?: ListRepositoriesOptions): Promise<RepositoryResponse[]> {
    const { prefix, signal } = faults.has('list-options-unchecked')
      ? { prefix: opts?.prefix ?? '', signal: opts?.signal }
      : resolveListOptions(opts, PLATFORM)
    signal?.throwIfAborted()
    const refusal = options.refuseDotSegmentPrefix
    if (refusal !== undefined && prefix.split('/').includes('..')) {
      throw new ArtifactRegistryError(refusal, `[${PLATFORM}] a prefix cannot hold ..`, {
        platform: PLATFORM,
      })
    }
    const namespace = faults.has('list-other-bindings') ? '' : `${binding}/`
    const under = faults.has('list-ignores-prefix')
      ? namespace
      : faults.has('list-prefix-resolved')
        ? new URL(`${namespace}${prefix}`, 'http://registry.invalid/').pathname.slice(1)
        : `${namespace}${prefix}`
    const known = faults.has('list-keeps-deleted')
      ? [...repositories.keys(), ...deletedNames]
      : [...repositories.keys()]
    const all = [...new Set(known)]
      .filter((name) => name.startsWith(under))
      .filter((name) => !faults.has('list-top-level-only') || !name.includes('/', namespace.length))
      .map(response)
    const pages = faults.has('list-first-page-only') ? all.slice(0, PAGE_SIZE) : all
    return faults.has('list-unsorted') ? sortByName(pages).reverse() : sortByName(pages)
  }

  /**
   * Change a repository's grants in place; with `racy-grants`, as a read-modify-write that yields
   * between its read and its write with no lock, so of two changes that overlap the later write
   * drops the earlier one.
   */
  async function changeGrants(
    name: string,
    change: (held: Map<string, Set<string>>) => void,
  ): Promise<void> {
    const held = grantsOf(faults.has('grant-outside-namespace') ? name : grantTarget(name))
    if (!faults.has('racy-grants')) return change(held)
    const copy = new Map([...held].map(([field, values]) => [field, new Set(values)]))
    change(copy)
    await new Promise((resolve) => setImmediate(resolve))
    held.clear()
    for (const [field, values] of copy) held.set(field, values)
  }

  /** The repository a grant method acts on: with `grant-name-unchecked`, the name as a URL resolves it. */
  function grantTarget(name: string): string {
    if (!faults.has('grant-name-unchecked')) return existing(name)
    if (!name.startsWith(`${binding}/`)) throw outsideNamespace(name, binding)
    const resolved = new URL(name, 'http://registry.invalid/').pathname.slice(1)
    if (!repositories.has(resolved)) throw notFound(resolved)
    return resolved
  }

  /** The grants held on `name` and, for `grants-by-prefix`, on every name it extends. */
  function grantsReaching(name: string): Map<string, Set<string>> {
    const reaching = new Map<string, Set<string>>()
    for (const [held, fields] of grants) {
      if (!name.startsWith(held)) continue
      for (const [field, values] of fields)
        for (const v of values) reaching.get(field)?.add(v) ?? reaching.set(field, new Set([v]))
    }
    return reaching
  }

  function grantsOf(name: string): Map<string, Set<string>> {
    const key = sharedGrants ? '' : name
    const held = grants.get(key) ?? new Map<string, Set<string>>()
    grants.set(key, held)
    return held
  }
}

// --- Internal ---

function notFound(name: string): ArtifactRegistryError {
  return new ArtifactRegistryError('NOT_FOUND', `[${PLATFORM}] Repository "${name}" not found`, {
    platform: PLATFORM,
  })
}

function outsideNamespace(name: string, binding: string): ArtifactRegistryError {
  return new ArtifactRegistryError(
    'INVALID_ARGUMENT',
    `[${PLATFORM}] "${name}" is not in namespace "${binding}/"`,
    { platform: PLATFORM },
  )
}

function listFields(access: CrossAccountAccess): [string, string[]][] {
  return Object.entries(access).filter((e): e is [string, string[]] => Array.isArray(e[1]))
}

const PATTERNS: Record<string, RegExp> = {
  accountIds: /^\d{12}$/,
  roleArns: /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/\S+$/,
  regions: /^[a-z]{2}(-[a-z]+)+-\d+$/,
  projectNumbers: /^\d{6,20}$/,
  serviceAccountEmails: /^[^@\s]+@[^@\s]+\.[a-z]+$/,
  allowedServiceTypes: /^worker$/,
}

function checkAccess(type: 'aws' | 'gcp', access: CrossAccountAccess): void {
  const bad = (message: string): ArtifactRegistryError =>
    new ArtifactRegistryError('INVALID_ARGUMENT', `[${PLATFORM}] ${message}`, {
      platform: PLATFORM,
    })
  if (access.type !== type) {
    // By its type when it is no string: a template literal throws on an object without a prototype.
    const given: unknown = access.type
    const got = typeof given === 'string' ? `"${given}"` : typeof given
    throw bad(`expected access of type "${type}", got ${got}`)
  }
  for (const [field, values] of listFields(access)) {
    const pattern = PATTERNS[field]
    const wrong = values.find((v) => pattern === undefined || !pattern.test(v))
    if (wrong !== undefined) throw bad(`${field} contains an invalid value "${wrong}"`)
  }
}
