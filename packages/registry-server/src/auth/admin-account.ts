import {
  createHmac,
  randomBytes,
  type ScryptOptions,
  scrypt as scryptCallback,
  timingSafeEqual,
} from 'node:crypto'
import { secretsEqual } from './builtin-authorizers.js'
import { ADMIN_PASSWORD_CHECKS, PasswordChecks } from './password-checks.js'

/**
 * The admin credential of a server: its password, or only the scrypt hash of the password (from
 * {@link hashAdminPassword}), so that a password chosen once need not be kept in clear anywhere.
 */
export type AdminCredentials =
  | { username: string; password: string }
  | { username: string; passwordHash: string }

/**
 * @internal Every field of {@link AdminCredentials}, of either form: a `Record` over the keys of
 * both, so a field added to the type does not compile until it is listed here.
 */
export const KNOWN_ADMIN_CREDENTIALS: Readonly<Record<KeyOfEither<AdminCredentials>, true>> = {
  username: true,
  password: true,
  passwordHash: true,
}

/** The keys of every member of a union (`keyof` a union gives only the ones they share). */
type KeyOfEither<T> = T extends unknown ? keyof T : never

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

/** Whether a password is the admin's, for a request from `client` (its address). */
type PasswordCheck = (password: string, signal?: AbortSignal, client?: string) => Promise<boolean>

/** The admin account a server checks Basic credentials against. */
export class AdminAccount {
  readonly username: string
  readonly #check: PasswordCheck
  /** The password or its hash, whichever was configured: what the admin's tokens are tied to. */
  readonly #secret: string

  private constructor(username: string, check: PasswordCheck, secret: string) {
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
    // Basic auth ends the username at the first colon: such an admin could never log in (nor
    // revoke a credential over HTTP), so it is refused here rather than on every request.
    if (username.includes(':'))
      throw new TypeError('admin username must not contain a colon (Basic auth cannot carry it)')
    // Both given, one would be ignored: the admin could not log in with what its caller expects.
    const given = credentials as { password?: unknown; passwordHash?: unknown }
    if (given.password !== undefined && given.passwordHash !== undefined)
      throw new TypeError('admin credentials take password or passwordHash, not both')
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

  /**
   * Whether `password` is the admin's; `false` as well once `signal` aborts (the client went away)
   * before the answer is known. Against a hash, the check may wait its turn in a line shared out
   * by `client`, the request's address (see {@link PasswordChecks}).
   * @throws OciError TOOMANYREQUESTS (429, `Retry-After`) when too many checks against the hash
   *   are waiting: this one is not made
   */
  verify(password: string, signal?: AbortSignal, client?: string): Promise<boolean> {
    return this.#check(password, signal, client)
  }

  /**
   * Refuse a password sent under a username that is not the admin's, after the very check a wrong
   * admin password gets (the same hash, in the same line, with the same 429): answered at once,
   * such a request told apart the admin's username from any other by its time alone.
   * @throws OciError TOOMANYREQUESTS as {@link verify}
   */
  async refuse(password: string, signal?: AbortSignal, client?: string): Promise<false> {
    await this.#check(password, signal, client)
    return false
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

/** How long the admin's accepted password is remembered after its last use. */
const REMEMBERED_MS = 10 * 60_000

/**
 * A check against a stored hash. Hashing runs on libuv's thread pool, which file I/O shares, and
 * costs tens of milliseconds of a core: checks take turns in a bounded line
 * ({@link ADMIN_PASSWORD_CHECKS}), so wrong passwords sent in a burst cost a few hashes, not one
 * each, and neither starve the store nor hold the admin up for long. After a password is
 * accepted, a keyed hash of it (under a key made for this check, never the password) is kept in
 * memory for {@link REMEMBERED_MS} after its last use, so the admin's later requests skip the
 * slow hash and the line. It belongs to this hash: another configured password makes another
 * check, which remembers nothing.
 */
function hashChecker(passwordHash: string): PasswordCheck {
  const [, ln, r, p, salt, key] = HASH_FORMAT.exec(passwordHash) ?? []
  const cost = { ln: Number(ln), r: Number(r), p: Number(p) }
  const saltBytes = Buffer.from(salt ?? '', 'base64url')
  const expected = Buffer.from(key ?? '', 'base64url')
  const checks = new PasswordChecks(ADMIN_PASSWORD_CHECKS)
  const digestKey = randomBytes(32)
  const digest = (password: string): Buffer =>
    createHmac('sha256', digestKey).update(password).digest()
  let remembered: { digest: Buffer; until: number } | undefined
  return async (password, signal, client) => {
    const presented = digest(password)
    if (remembered !== undefined && Date.now() < remembered.until) {
      if (timingSafeEqual(presented, remembered.digest)) {
        remembered.until = Date.now() + REMEMBERED_MS
        return true
      }
    } else remembered = undefined
    // Requests presenting the same password at once share one check: the key is keyed, so
    // neither it nor the time to look it up tells anything about the password.
    return checks.check(
      presented.toString('hex'),
      async () => {
        const derived = await scrypt(password, saltBytes, expected.length, cost)
        const ok = timingSafeEqual(derived, expected)
        if (ok) remembered = { digest: presented, until: Date.now() + REMEMBERED_MS }
        return ok
      },
      signal,
      client,
    )
  }
}
