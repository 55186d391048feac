import {
  createHash,
  randomBytes,
  type ScryptOptions,
  scrypt as scryptCallback,
  timingSafeEqual,
} from 'node:crypto'
import { secretsEqual } from './builtin-authorizers.js'

/**
 * The admin credential of a server: its password, or only the scrypt hash of the password (from
 * {@link hashAdminPassword}), so that a password chosen once need not be kept in clear anywhere.
 */
export type AdminCredentials =
  | { username: string; password: string }
  | { username: string; passwordHash: string }

// scrypt cost: 2^15 × 8 × 128 bytes = 32 MiB and some tens of milliseconds per hash, so a stolen
// hash is slow to guess even for a password a person chose.
const COST = { ln: 15, r: 8, p: 1 }
const KEY_BYTES = 32
const HASH_FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([\w-]{16,})\$([\w-]{40,})$/

/**
 * Hash a password for storage: `$scrypt$ln=15,r=8,p=1$<salt>$<key>` (base64url), with a fresh
 * random salt, so equal passwords hash differently.
 */
export async function hashAdminPassword(password: string): Promise<string> {
  if (typeof password !== 'string' || password === '')
    throw new TypeError('the admin password must be a non-empty string')
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, KEY_BYTES, COST)
  return `$scrypt$ln=${COST.ln},r=${COST.r},p=${COST.p}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

/** Whether a string is a hash {@link hashAdminPassword} could have made. */
export function isAdminPasswordHash(value: string): boolean {
  const [, ln, r, p] = (HASH_FORMAT.exec(value) ?? []).map(Number)
  // Bounds keep a hash from asking for gigabytes: the cost is read from the hash itself.
  return (
    ln !== undefined &&
    ln >= 10 &&
    ln <= 20 &&
    r !== undefined &&
    r >= 1 &&
    r <= 16 &&
    p !== undefined &&
    p >= 1 &&
    p <= 4
  )
}

/** The admin account a server checks Basic credentials against. */
export class AdminAccount {
  readonly username: string
  readonly #check: (password: string) => Promise<boolean>
  /** The password or its hash, whichever was configured: what the admin's tokens are tied to. */
  readonly #secret: string

  private constructor(
    username: string,
    check: (password: string) => Promise<boolean>,
    secret: string,
  ) {
    this.username = username
    this.#check = check
    this.#secret = secret
  }

  /**
   * The admin's stamp under `stampOf` (a keyed hash): it changes with the username or the
   * configured password or hash, and with it every admin token issued before is refused.
   */
  stamp(stampOf: (secret: string) => string): string {
    return stampOf(`${this.username}\0${this.#secret}`)
  }

  /** @throws TypeError for a missing username, an empty password or a malformed hash */
  static from(credentials: AdminCredentials): AdminAccount {
    const { username } = credentials ?? {}
    if (typeof username !== 'string' || username === '')
      throw new TypeError('admin username and password are required')
    if ('passwordHash' in credentials) {
      if (
        typeof credentials.passwordHash !== 'string' ||
        !isAdminPasswordHash(credentials.passwordHash)
      )
        throw new TypeError('admin passwordHash must be a hash made by hashAdminPassword')
      return new AdminAccount(
        username,
        hashChecker(credentials.passwordHash),
        credentials.passwordHash,
      )
    }
    const { password } = credentials as { password?: unknown }
    if (typeof password !== 'string' || password === '')
      throw new TypeError('admin username and password are required')
    return new AdminAccount(username, async (offered) => secretsEqual(offered, password), password)
  }

  /** Whether `password` is the admin's. */
  verify(password: string): Promise<boolean> {
    return this.#check(password)
  }
}

// --- Internal ---

function scrypt(
  password: string,
  salt: Buffer,
  keyBytes: number,
  cost: { ln: number; r: number; p: number },
): Promise<Buffer> {
  const N = 2 ** cost.ln
  // Node refuses more than 32 MiB unless told; twice the need leaves room for its bookkeeping.
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r }
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, keyBytes, options, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}

/**
 * A check against a stored hash. Hashing runs on libuv's thread pool, which file I/O shares, so
 * checks run one at a time: wrong passwords sent in a burst cannot starve the store. After a
 * password is accepted, a sha256 of it is kept in memory so the admin's later requests skip
 * the slow hash.
 */
function hashChecker(passwordHash: string): (password: string) => Promise<boolean> {
  const [, ln, r, p, salt, key] = HASH_FORMAT.exec(passwordHash) ?? []
  const cost = { ln: Number(ln), r: Number(r), p: Number(p) }
  const saltBytes = Buffer.from(salt ?? '', 'base64url')
  const expected = Buffer.from(key ?? '', 'base64url')
  let accepted: Buffer | undefined
  let queue: Promise<unknown> = Promise.resolve()
  const digest = (password: string): Buffer => createHash('sha256').update(password).digest()
  return async (password) => {
    if (accepted !== undefined && timingSafeEqual(digest(password), accepted)) return true
    const check = queue.then(async () => {
      const derived = await scrypt(password, saltBytes, expected.length, cost)
      return timingSafeEqual(derived, expected)
    })
    queue = check.catch(() => {})
    const ok = await check
    if (ok) accepted = digest(password)
    return ok
  }
}
