import {
  type ArtifactRegistry,
  isArtifactRegistryError,
  type Permission,
} from '@artifact-registry/core'
import type { Subject } from './subject.js'

/** What one operation called: the calls, in order, or why it made none. */
export type Cell =
  | { readonly kind: 'calls'; readonly calls: readonly string[] }
  /** The provider answers `NOT_SUPPORTED` (checked: it is what the operation answered). */
  | { readonly kind: 'not-supported' }
  /** The provider has no such method (optional operations such as `listRepositories`). */
  | { readonly kind: 'absent' }

/** State the operations share within one column: the repository they work on. */
interface Run {
  readonly registry: ArtifactRegistry
  readonly subject: Subject
  /** Logical name given to `createRepository`. */
  readonly logical: string
  /** Routable name `createRepository` returned. */
  name: string
}

/** One row: an operation as a user calls it. */
interface Operation {
  readonly row: string
  /** `absent` when the provider lacks the method; otherwise runs it. */
  readonly run: (run: Run) => Promise<void> | 'absent'
}

const credentials =
  (permission: Permission) =>
  async ({ registry, name }: Run): Promise<void> => {
    await registry.generateCredentials(name, permission)
  }

const grant =
  (change: 'addCrossAccountAccess' | 'removeCrossAccountAccess' | 'getCrossAccountAccess') =>
  async ({ registry, name, subject }: Run): Promise<void> => {
    // A provider without grants is given an access of another platform's type: it must refuse
    // it as NOT_SUPPORTED before looking at it, without a call.
    const access = subject.access ?? {
      type: 'gcp',
      projectNumbers: [],
      serviceAccountEmails: [],
      allowedServiceTypes: [],
    }
    if (change === 'getCrossAccountAccess') await registry.getCrossAccountAccess(name)
    else await registry[change](name, access)
  }

/**
 * The rows of the table, in the order they run on one provider: a new repository is created,
 * created again, read, listed, given credentials of each permission twice (the second call
 * shows what is reused), granted to another account, read and revoked, and deleted.
 */
export const OPERATIONS: readonly Operation[] = [
  {
    row: 'createRepository (new name)',
    run: async (run) => {
      run.name = (await run.registry.createRepository(run.logical)).name
    },
  },
  {
    row: 'createRepository (existing name)',
    run: async ({ registry, logical }) => {
      await registry.createRepository(logical)
    },
  },
  {
    row: 'getRepository',
    run: async ({ registry, name }) => {
      await registry.getRepository(name)
    },
  },
  {
    row: 'listRepositories',
    run: ({ registry }) => {
      const list = registry.listRepositories?.bind(registry)
      if (list === undefined || registry.capabilities.listRepositories !== true) return 'absent'
      return list().then(() => undefined)
    },
  },
  { row: 'generateCredentials pull (1st)', run: credentials('pull') },
  { row: 'generateCredentials pull (2nd)', run: credentials('pull') },
  { row: 'generateCredentials push-pull (1st)', run: credentials('push-pull') },
  { row: 'generateCredentials push-pull (2nd)', run: credentials('push-pull') },
  { row: 'addCrossAccountAccess', run: grant('addCrossAccountAccess') },
  { row: 'getCrossAccountAccess', run: grant('getCrossAccountAccess') },
  { row: 'removeCrossAccountAccess', run: grant('removeCrossAccountAccess') },
  {
    row: 'deleteRepository',
    run: async ({ registry, name }) => {
      await registry.deleteRepository(name)
    },
  },
]

/** The first row: what building the provider calls. */
export const FACTORY_ROW = 'factory'

/** Every row of the table, in order. */
export const ROWS: readonly string[] = [FACTORY_ROW, ...OPERATIONS.map((o) => o.row)]

/**
 * Run every operation on a new provider of `subject`, in order, and return the calls each made.
 * A failure other than `NOT_SUPPORTED` ends the run: a figure of an operation that failed would
 * count the wrong calls.
 */
export async function measureSubject(
  subject: Subject,
  logical: string,
): Promise<Map<string, Cell>> {
  const cells = new Map<string, Cell>()
  await subject.take()
  await using registry = await subject.open()
  cells.set(FACTORY_ROW, { kind: 'calls', calls: await subject.take() })
  const run: Run = { registry, subject, logical, name: '' }
  for (const operation of OPERATIONS) {
    cells.set(operation.row, await measureOperation(operation, run))
  }
  return cells
}

// --- Internal ---

async function measureOperation(operation: Operation, run: Run): Promise<Cell> {
  let outcome: Promise<void> | 'absent'
  try {
    outcome = operation.run(run)
    if (outcome !== 'absent') await outcome
  } catch (err) {
    if (!isArtifactRegistryError(err, 'NOT_SUPPORTED')) {
      throw new Error(`${run.subject.column}: ${operation.row} failed`, { cause: err })
    }
    const calls = await run.subject.take()
    if (calls.length > 0) {
      throw new Error(
        `${run.subject.column}: ${operation.row} called ${calls.join(', ')} before NOT_SUPPORTED`,
      )
    }
    return { kind: 'not-supported' }
  }
  const calls = await run.subject.take()
  if (outcome === 'absent') return { kind: 'absent' }
  return { kind: 'calls', calls }
}
