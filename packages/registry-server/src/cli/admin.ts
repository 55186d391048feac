import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { type AdminCredentials, hashAdminPassword } from '../auth/admin-account.js'
import { adminFile, readStoredAdmin, storeAdmin } from './admin-file.js'
import type { CommandFlags } from './flags.js'
import { UsageError } from './usage.js'

const DEFAULT_USER = 'admin'

/**
 * The admin a command runs with, and how it came about: `given` (a flag, a file or the
 * environment), `stored` (kept hashed in the data directory since an earlier start) or
 * `generated` (nothing given and nothing stored).
 */
export type ResolvedAdmin =
  | { origin: 'given' | 'generated'; username: string; password: string }
  | { origin: 'stored'; username: string; passwordHash: string }

/**
 * Decide the admin: a password given replaces the stored one; otherwise the stored admin stays,
 * so applications configured with it keep working across restarts; otherwise one is generated.
 */
export async function resolveAdmin(flags: CommandFlags): Promise<ResolvedAdmin> {
  const given = await givenPassword(flags)
  if (given !== undefined)
    return { origin: 'given', username: flags.adminUser ?? DEFAULT_USER, password: given }
  const stored = await readStoredAdmin(flags.data)
  if (stored !== undefined) {
    if (flags.adminUser !== undefined && flags.adminUser !== stored.username) {
      throw new UsageError(
        `the admin of ${flags.data} is "${stored.username}": to make "${flags.adminUser}" the admin, give its password too`,
      )
    }
    return { origin: 'stored', ...stored }
  }
  const password = randomBytes(18).toString('base64url')
  return { origin: 'generated', username: flags.adminUser ?? DEFAULT_USER, password }
}

/** The credential to start a server with. */
export function serverAdmin(admin: ResolvedAdmin): AdminCredentials {
  return admin.origin === 'stored'
    ? { username: admin.username, passwordHash: admin.passwordHash }
    : { username: admin.username, password: admin.password }
}

/**
 * Keep a new admin (given or generated) hashed in the data directory. Called once the server
 * runs, so a start refused because another process serves the directory changes nothing; if
 * keeping fails, `server` is closed before the error goes on, so nothing is left listening.
 */
export async function keepAdmin(
  dataDir: string,
  admin: ResolvedAdmin,
  server: { close(): Promise<void> },
): Promise<void> {
  if (admin.origin === 'stored') return
  try {
    await storeAdmin(dataDir, {
      username: admin.username,
      passwordHash: await hashAdminPassword(admin.password),
    })
  } catch (error) {
    await server.close()
    throw error
  }
}

/** The line telling the operator the admin credential: a generated password once, no other. */
export function describeAdmin(dataDir: string, admin: ResolvedAdmin): string {
  const where = adminFile(dataDir)
  if (admin.origin === 'generated')
    return `admin credential: ${admin.username} / ${admin.password} (generated; shown only now, kept hashed in ${where})`
  if (admin.origin === 'given')
    return `admin credential: ${admin.username} / (as given; kept hashed in ${where})`
  return `admin credential: ${admin.username} / (unchanged: the password set before, kept hashed in ${where})`
}

// --- Internal ---

async function givenPassword(flags: CommandFlags): Promise<string | undefined> {
  if (flags.adminPassword !== undefined) return flags.adminPassword
  if (flags.adminPasswordFile !== undefined) {
    const file = flags.adminPasswordFile
    // Node's own message names the file but not the flag that gave it. The error keeps Node's
    // `code`, `syscall` and `path`: a caller embedding `serve` (our CLI) types the failure by them.
    const text = await readFile(file, 'utf8').catch((error: unknown) => {
      const { code, syscall } = error as NodeJS.ErrnoException
      const message = `cannot read the --admin-password-file ${file} (${code ?? String(error)})`
      throw Object.assign(new Error(message, { cause: error }), { code, syscall, path: file })
    })
    const firstLine = text.split(/\r?\n/, 1)[0] ?? ''
    if (firstLine === '') throw new Error(`${file}: the first line (the admin password) is empty`)
    return firstLine
  }
  // An empty variable is how compose files and shells leave a setting out.
  return process.env.ARTIFACT_REGISTRY_ADMIN_PASSWORD || undefined
}
