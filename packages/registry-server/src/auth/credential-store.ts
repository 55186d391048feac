import { createHash, randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Permission } from '@artifact-registry/core'
import { TTL_RULES } from '@artifact-registry/core/ttl'
import { isRepositoryName } from '../names.js'
import { JournaledFile, loggedPairs } from '../storage/journaled-file.js'
import { secretsEqual } from './builtin-authorizers.js'
import { type CredentialsToRevoke, isInScopeOfRevocation } from './revocation.js'

/** A minted credential as returned to its owner (the password is never stored). */
export interface MintedCredential {
  username: string
  password: string
  repository: string
  permission: Permission
  expiresAt: Date
}

/** What mints credentials for callers: a registry with auth on, and the standalone token service. */
export interface CredentialMinter {
  /**
   * Mint a credential for one repository and one permission, valid for exactly `ttlSeconds`.
   * @throws TypeError when the repository is not a repository name, the permission is neither
   *   `pull` nor `push-pull`, or `ttlSeconds` is not a whole number from 1 to 604800 (7 days)
   */
  generateCredentials(
    repository: string,
    permission: Permission,
    ttlSeconds: number,
  ): Promise<MintedCredential>
}

/** What the store keeps: a hash of the secret, never the secret. */
interface StoredCredential {
  repository: string
  permission: Permission
  /** Epoch milliseconds. */
  expiresAt: number
  /** sha256 of the password, hex. The password is 256 random bits, so no slow KDF is needed. */
  secretHash: string
}

/** The outcome of checking a username and password. */
export type CredentialCheck =
  | { status: 'valid'; repository: string; permission: Permission; expiresAt: Date }
  | { status: 'expired' | 'invalid' }

const USERNAME = /^cred-([a-f0-9]{24})$/

/** Whether `username` has the form of a minted credential's (`cred-` and 24 hex digits). */
export function isCredentialUsername(username: string): boolean {
  return USERNAME.test(username)
}

/**
 * Credentials minted by the registry, scoped to one repository and one permission, valid until
 * their expiry. Persisted (hashed) in `<dataDir>/auth/credentials.json` and the log of changes
 * beside it (`credentials.log`, see `JournaledFile`), so they survive restarts: a mint or a
 * revocation appends one line, however many credentials are live.
 */
export class CredentialStore {
  readonly #records: Map<string, StoredCredential>
  readonly #journal: JournaledFile | undefined
  #writes: Promise<void> = Promise.resolve()
  /** Minted and not on disk yet: left out when another change writes the file whole. */
  readonly #minting = new Set<string>()
  /**
   * Revoked or purged (id → repository) and not on disk yet, because logging it failed or has
   * not happened: logged again with every change until it is, and matched by a revocation retried.
   */
  readonly #unloggedRemovals = new Map<string, string>()

  private constructor(records: Map<string, StoredCredential>, journal?: JournaledFile) {
    this.#records = records
    this.#journal = journal
  }

  /** Open the store of `dataDir` (in memory when undefined). */
  static async open(dataDir: string | undefined, tmpDir?: string): Promise<CredentialStore> {
    if (dataDir === undefined) return new CredentialStore(new Map())
    const dir = join(dataDir, 'auth')
    await mkdir(dir, { recursive: true, mode: 0o700 })
    const journal = new JournaledFile(dir, 'credentials.json', tmpDir ?? dir, 0o600)
    const loaded = await journal.load(parseLoggedCredentials)
    const records = new Map(Object.entries(storedCredentials(loaded?.document ?? {})))
    for (const change of loaded?.changes ?? []) {
      for (const [id, record] of change) {
        if (record === null) records.delete(id)
        else records.set(id, record)
      }
    }
    return new CredentialStore(records, journal)
  }

  /**
   * Mint a credential for one repository and permission, valid for exactly `ttlSeconds`.
   * @throws TypeError when the repository is not a repository name, the permission is neither
   *   `pull` nor `push-pull`, or `ttlSeconds` is not a whole number from 1 to 7 days
   */
  async mint(
    repository: string,
    permission: Permission,
    ttlSeconds: number,
  ): Promise<MintedCredential> {
    checkMintArguments(repository, permission, ttlSeconds)
    const id = randomBytes(12).toString('hex')
    const password = randomBytes(32).toString('base64url')
    const expiresAt = Date.now() + ttlSeconds * 1000
    const record: StoredCredential = {
      repository,
      permission,
      expiresAt,
      secretHash: hash(password),
    }
    this.#records.set(id, record)
    this.#minting.add(id)
    try {
      await this.#persist([[id, record]], new Map())
    } catch (error) {
      // Nobody learns its password, but a credential that is not on disk must not be live.
      this.#records.delete(id)
      throw error
    } finally {
      this.#minting.delete(id)
    }
    return {
      username: `cred-${id}`,
      password,
      repository,
      permission,
      expiresAt: new Date(expiresAt),
    }
  }

  /**
   * As {@link mint}, only while `holds()` says yes (the repository exists), else `undefined` and
   * nothing minted. `holds` is asked in the same synchronous step in which the credential becomes
   * known to {@link revoke}: whatever makes `holds` say no and then revokes (a repository deletion)
   * either finds this credential or made `holds` say no.
   * @throws TypeError as {@link mint}, before `holds` is asked
   */
  async mintIf(
    holds: () => boolean,
    repository: string,
    permission: Permission,
    ttlSeconds: number,
  ): Promise<MintedCredential | undefined> {
    checkMintArguments(repository, permission, ttlSeconds)
    if (!holds()) return undefined
    return this.mint(repository, permission, ttlSeconds)
  }

  /** Check a username and password; expired credentials are told apart from wrong ones. */
  check(username: string, password: string): CredentialCheck {
    const id = USERNAME.exec(username)?.[1]
    const record = id === undefined ? undefined : this.#records.get(id)
    if (record === undefined || !secretsEqual(hash(password), record.secretHash))
      return { status: 'invalid' }
    if (!isUnexpired(record)) return { status: 'expired' }
    return {
      status: 'valid',
      repository: record.repository,
      permission: record.permission,
      expiresAt: new Date(record.expiresAt),
    }
  }

  /** Whether `username` names a credential that is neither revoked nor expired (tokens ask). */
  isActive(username: string): boolean {
    const id = USERNAME.exec(username)?.[1]
    const record = id === undefined ? undefined : this.#records.get(id)
    return record !== undefined && isUnexpired(record)
  }

  /**
   * Revoke one credential by username (only if it is in `namespace`, when given), every
   * credential of a repository, or every credential of the repositories under a namespace: they are refused from now on, and so are the tokens issued from
   * them. Returns how many were revoked: live ones, and those whose revocation an earlier call
   * could not write to disk and this one did; an expired one is forgotten but not counted.
   */
  async revoke(which: CredentialsToRevoke): Promise<number> {
    const removed = new Map<string, string>()
    if ('username' in which) {
      const id = USERNAME.exec(which.username)?.[1] ?? ''
      const repository = this.#records.get(id)?.repository ?? this.#unloggedRemovals.get(id)
      if (repository !== undefined && isInScopeOfRevocation(which, repository))
        removed.set(id, repository)
    } else {
      for (const [id, record] of this.#records) {
        if (isInScopeOfRevocation(which, record.repository)) removed.set(id, record.repository)
      }
      for (const [id, repository] of this.#unloggedRemovals) {
        if (isInScopeOfRevocation(which, repository)) removed.set(id, repository)
      }
    }
    // An expired credential is forgotten too, but was not working: not counted, as documented
    // (a caller told 1 would believe it had just stopped a live credential). A removal an earlier
    // call could not write is counted: that credential was live then.
    const now = Date.now()
    let revoked = 0
    for (const id of removed.keys()) {
      const record = this.#records.get(id)
      if (record === undefined || isUnexpired(record, now)) revoked++
    }
    // Refused from this instant: the removal from memory does not wait for the disk.
    for (const id of removed.keys()) this.#records.delete(id)
    if (removed.size > 0) await this.#persist([], removed)
    return revoked
  }

  /** Forget expired credentials. Returns how many. */
  async purgeExpired(): Promise<number> {
    const now = Date.now()
    const removed = new Map<string, string>()
    for (const [id, record] of this.#records) {
      if (!isUnexpired(record, now)) removed.set(id, record.repository)
    }
    for (const id of removed.keys()) this.#records.delete(id)
    if (removed.size > 0) await this.#persist([], removed)
    return removed.size
  }

  /**
   * Log a change of credentials, one at a time: the credentials `added`, and every removal not
   * on disk yet (`removed`, by id → repository, among them). When the store writes its file whole
   * instead, it writes what memory holds then (memory is changed first), less the credentials
   * other calls are still minting.
   */
  #persist(added: [string, StoredCredential][], removed: Map<string, string>): Promise<void> {
    const journal = this.#journal
    if (journal === undefined) return Promise.resolve()
    for (const [id, repository] of removed) this.#unloggedRemovals.set(id, repository)
    this.#writes = this.#writes
      .catch(() => {})
      .then(async () => {
        const removals = [...this.#unloggedRemovals.keys()]
        const change = [...added, ...removals.map((id) => [id, null] as const)]
        await journal.save({ credentials: change }, () => ({
          credentials: Object.fromEntries(
            [...this.#records].filter(
              ([id]) => !this.#minting.has(id) || added.some(([own]) => own === id),
            ),
          ),
        }))
        for (const id of removals) this.#unloggedRemovals.delete(id)
      })
    return this.#writes
  }
}

/**
 * The credentials of the store's file: under `credentials` since the file has a log, the whole
 * file before (a map by id, with no epoch).
 */
function storedCredentials(document: Record<string, unknown>): Record<string, StoredCredential> {
  const inside = document.credentials
  if (typeof document.epoch === 'string' && typeof inside === 'object' && inside !== null) {
    return inside as Record<string, StoredCredential>
  }
  return document as Record<string, StoredCredential>
}

/** A logged change of credentials read back; throws when the line is not one (a damaged log). */
function parseLoggedCredentials(
  value: Record<string, unknown>,
  where: string,
): [string, StoredCredential | null][] {
  return loggedPairs(value.credentials, where, isCredentialOrNull)
}

function isCredentialOrNull(value: unknown): value is StoredCredential | null {
  if (value === null) return true
  if (typeof value !== 'object' || Array.isArray(value)) return false
  const record = value as Partial<Record<keyof StoredCredential, unknown>>
  return (
    typeof record.repository === 'string' &&
    (record.permission === 'pull' || record.permission === 'push-pull') &&
    typeof record.expiresAt === 'number' &&
    typeof record.secretHash === 'string'
  )
}

/** The longest a credential may live: the local platform's limit. */
const MAX_TTL_SECONDS = TTL_RULES.local.maxSeconds

/**
 * Refuse what {@link CredentialStore.mint} refuses, with its `TypeError`s (the mint endpoint asks
 * the same of a request's body). The API is called from JavaScript too, where nothing stops a
 * misspelt permission or a NaN TTL: refused here, one would otherwise become a credential broader
 * or longer-lived than asked.
 */
export function checkMintArguments(
  repository: unknown,
  permission: unknown,
  ttlSeconds: unknown,
): void {
  if (typeof repository !== 'string' || !isRepositoryName(repository))
    throw new TypeError(`not a repository name: ${shown(repository)}`)
  if (permission !== 'pull' && permission !== 'push-pull')
    throw new TypeError(`permission must be pull or push-pull, not ${shown(permission)}`)
  if (!Number.isSafeInteger(ttlSeconds) || (ttlSeconds as number) < 1)
    throw new TypeError(`ttlSeconds must be a positive integer, not ${shown(ttlSeconds)}`)
  if ((ttlSeconds as number) > MAX_TTL_SECONDS)
    throw new TypeError(`ttlSeconds must be at most ${MAX_TTL_SECONDS} (7 days), not ${ttlSeconds}`)
}

// How a refused argument appears in the error: a short, plain string as it is; anything else by
// its type and length only, since a secret passed in the wrong place must not reach a log.
function shown(value: unknown): string {
  if (typeof value === 'string')
    return /^[\w./:-]{0,64}$/.test(value)
      ? JSON.stringify(value)
      : `a string of ${value.length} characters`
  return typeof value === 'number' ? String(value) : typeof value
}

// Written so that a record whose expiry is not a number (a hand-edited file) counts as expired.
function isUnexpired(record: StoredCredential, now = Date.now()): boolean {
  return now < record.expiresAt
}

function hash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}
