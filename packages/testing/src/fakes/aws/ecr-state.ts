import { bindPrincipals, type IdOf, type PrincipalIds, showPrincipals } from './principal-ids.js'
import type { FakeReplicationRule, FakeRepository } from './types.js'

/** ECR's repository-name grammar (2–256 characters). */
const REPOSITORY_NAME =
  /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/

/** A repository policy as stored: its text, and the unique ids its role and user principals had. */
interface StoredPolicy {
  readonly text: string
  readonly ids: PrincipalIds
}

interface RegionState {
  readonly repositories: Map<string, FakeRepository>
  readonly policies: Map<string, StoredPolicy>
  rules: FakeReplicationRule[]
}

/**
 * The registry of one account, per region: repositories, repository policies and the
 * registry-level replication rules. Replication copies repositories (never policies, as ECR does)
 * into the destination regions of every matching rule, and, as ECR does, only once an image is
 * pushed: creating a repository creates no replica. A policy names its roles and users by the
 * unique ids they had when it was set, as IAM stores resource policies: one deleted since (or
 * created again under its name) reads back as that id, and no longer as its ARN.
 */
export class EcrState {
  readonly #regions = new Map<string, RegionState>()
  readonly #timers = new Set<NodeJS.Timeout>()

  constructor(
    readonly accountId: string,
    private readonly replicaDelayMs: number | null,
    /** The fake's time in ms, for creation dates. */
    private readonly now: () => number,
    /** The unique id of the IAM role or user that has an ARN now. */
    private readonly principalId: IdOf = () => undefined,
  ) {}

  /** Whether `name` is a repository name ECR accepts. */
  static isValidName(name: unknown): name is string {
    return typeof name === 'string' && REPOSITORY_NAME.test(name)
  }

  /** Whether ECR's replication service-linked role exists in the account (created on first use). */
  replicationRoleExists = false

  /** The ARN a repository of this name has, or would have, in a region. */
  repositoryArn(region: string, name: string): string {
    return makeRepository(this.accountId, region, name, new Date(0)).repositoryArn
  }

  repository(region: string, name: string): FakeRepository | undefined {
    return this.#region(region).repositories.get(name)
  }

  /** The regions holding a repository of this name. */
  regionsWith(name: string): string[] {
    return [...this.#regions].filter(([, state]) => state.repositories.has(name)).map(([r]) => r)
  }

  repositories(region: string): FakeRepository[] {
    return [...this.#region(region).repositories.values()]
  }

  /** Create a repository, without replicas. Returns `undefined` if it exists. */
  create(region: string, name: string): FakeRepository | undefined {
    const state = this.#region(region)
    if (state.repositories.has(name)) return undefined
    const repository = makeRepository(this.accountId, region, name, new Date(this.now()))
    state.repositories.set(name, repository)
    return repository
  }

  /**
   * An image was pushed to a repository: schedule its replicas in the destination regions of the
   * region's matching rules, where they do not exist yet. ECR replicates pushed images, creating
   * the destination repository with the first one; a repository nobody pushed to has no replica.
   */
  pushed(region: string, name: string): void {
    if (this.repository(region, name) !== undefined) this.#replicate(region, name)
  }

  delete(region: string, name: string): FakeRepository | undefined {
    const state = this.#region(region)
    const repository = state.repositories.get(name)
    state.repositories.delete(name)
    state.policies.delete(name)
    return repository
  }

  /** The policy as ECR shows it (see the class). */
  policy(region: string, name: string): string | undefined {
    const stored = this.#region(region).policies.get(name)
    return stored === undefined
      ? undefined
      : showPrincipals(stored.text, stored.ids, this.principalId)
  }

  setPolicy(region: string, name: string, policyText: string | undefined): void {
    const { policies } = this.#region(region)
    if (policyText === undefined) policies.delete(name)
    else policies.set(name, { text: policyText, ids: bindPrincipals(policyText, this.principalId) })
  }

  rules(region: string): FakeReplicationRule[] {
    return structuredClone(this.#region(region).rules)
  }

  setRules(region: string, rules: FakeReplicationRule[]): void {
    this.#region(region).rules = structuredClone(rules)
  }

  /** Cancel replicas that have not appeared yet. */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
  }

  #region(region: string): RegionState {
    let state = this.#regions.get(region)
    if (state === undefined) {
      state = { repositories: new Map(), policies: new Map(), rules: [] }
      this.#regions.set(region, state)
    }
    return state
  }

  #replicate(region: string, name: string): void {
    if (this.replicaDelayMs === null) return
    for (const destination of replicaRegions(this.#region(region).rules, name, this.accountId)) {
      if (destination === region) continue
      const create = (): void => void this.create(destination, name)
      if (this.replicaDelayMs <= 0) {
        create()
        continue
      }
      const timer = setTimeout(() => {
        this.#timers.delete(timer)
        create()
      }, this.replicaDelayMs)
      this.#timers.add(timer)
    }
  }
}

// --- Internal ---

function replicaRegions(rules: FakeReplicationRule[], name: string, accountId: string): string[] {
  const regions = new Set<string>()
  for (const rule of rules) {
    const filters = rule.repositoryFilters ?? []
    const matches = filters.length === 0 || filters.some((f) => name.startsWith(f.filter))
    if (!matches) continue
    for (const d of rule.destinations) if (d.registryId === accountId) regions.add(d.region)
  }
  return [...regions]
}

function makeRepository(
  accountId: string,
  region: string,
  name: string,
  createdAt: Date,
): FakeRepository {
  const cn = region.startsWith('cn-')
  const partition = cn ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws'
  const suffix = cn ? 'amazonaws.com.cn' : 'amazonaws.com'
  return {
    repositoryName: name,
    repositoryArn: `arn:${partition}:ecr:${region}:${accountId}:repository/${name}`,
    registryId: accountId,
    repositoryUri: `${accountId}.dkr.ecr.${region}.${suffix}/${name}`,
    createdAt,
    region,
  }
}
