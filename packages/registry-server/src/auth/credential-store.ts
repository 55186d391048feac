import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Permission } from '@artifact-registry/core'
import { TTL_RULES } from '@artifact-registry/core/ttl'
import { isRepositoryName } from '../names.js'
import { writeFileAtomic } from '../storage/atomic-write.js'
import { secretsEqual } from './builtin-authorizers.js'
import type { CredentialsToRevoke } from './revocation.js'

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

/**
 * Credentials minted by the registry, scoped to one repository and one permission, valid until
 * their expiry. Persisted (hashed) in `<dataDir>/auth/credentials.json`, so they survive restarts.
 */
export class CredentialStore {
  readonly #records: Map<string, StoredCredential>
  readonly #file: string | undefined
  readonly #tmpDir: string | undefined
  #writes: Promise<void> = Promise.resolve()

  private constructor(records: Map<string, StoredCredential>, file?: string, tmpDir?: string) {
    this.#records = records
    this.#file = file
    this.#tmpDir = tmpDir
  }

  /** Open the store of `dataDir` (in memory when undefined). */
  static async open(dataDir: string | undefined, tmpDir?: string): Promise<CredentialStore> {
    if (dataDir === undefined) return new CredentialStore(new Map())
    const dir = join(dataDir, 'auth')
    await mkdir(dir, { recursive: true, mode: 0o700 })
    const file = join(dir, 'credentials.json')
    let records: Record<string, StoredCredential> = {}
    try {
      records = JSON.parse(await readFile(file, 'utf8'))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    return new CredentialStore(new Map(Object.entries(records)), file, tmpDir ?? dir)
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
    this.#records.set(id, { repository, permission, expiresAt, secretHash: hash(password) })
    await this.#persist()
    return {
      username: `cred-${id}`,
      password,
      repository,
      permission,
      expiresAt: new Date(expiresAt),
    }
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
   * Revoke one credential by username, or every credential of a repository: they are refused
   * from now on, and so are the tokens issued from them. Returns how many were revoked.
   */
  async revoke(which: CredentialsToRevoke): Promise<number> {
    const ids =
      'username' in which
        ? [USERNAME.exec(which.username)?.[1] ?? ''].filter((id) => this.#records.has(id))
        : [...this.#records].filter(([, r]) => r.repository === which.repository).map(([id]) => id)
    for (const id of ids) this.#records.delete(id)
    if (ids.length > 0) await this.#persist()
    return ids.length
  }

  /** Forget expired credentials. Returns how many. */
  async purgeExpired(): Promise<number> {
    const now = Date.now()
    let removed = 0
    for (const [id, record] of this.#records) {
      if (!isUnexpired(record, now)) {
        this.#records.delete(id)
        removed += 1
      }
    }
    if (removed > 0) await this.#persist()
    return removed
  }

  // Writes are chained so the file always holds a complete, recent snapshot.
  #persist(): Promise<void> {
    const file = this.#file
    const tmpDir = this.#tmpDir
    if (file === undefined || tmpDir === undefined) return Promise.resolve()
    this.#writes = this.#writes
      .catch(() => {})
      .then(() =>
        writeFileAtomic(file, JSON.stringify(Object.fromEntries(this.#records)), tmpDir, 0o600),
      )
    return this.#writes
  }
}

/** The longest a credential may live: the local platform's limit. */
const MAX_TTL_SECONDS = TTL_RULES.local.maxSeconds

// The API is called from JavaScript too, where nothing stops a misspelt permission or a NaN TTL:
// refused here, one would otherwise become a credential broader or longer-lived than asked.
function checkMintArguments(repository: unknown, permission: unknown, ttlSeconds: unknown): void {
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
