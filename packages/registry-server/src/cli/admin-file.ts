import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { isAdminPasswordHash } from '../auth/admin-account.js'
import { writeFileAtomic } from '../storage/atomic-write.js'

/** The admin as the data directory keeps it: a username and an scrypt hash, never the password. */
export interface StoredAdmin {
  username: string
  passwordHash: string
}

/** Where the admin of a data directory is kept. */
export function adminFile(dataDir: string): string {
  return join(dataDir, 'auth', 'admin.json')
}

/** The admin kept in `dataDir`, or undefined when none is. */
export async function readStoredAdmin(dataDir: string): Promise<StoredAdmin | undefined> {
  const path = adminFile(dataDir)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  let stored: Partial<StoredAdmin> | null = null
  try {
    stored = JSON.parse(text) as Partial<StoredAdmin> | null
  } catch {
    // Reported below with what to do about it.
  }
  const { username, passwordHash } = stored ?? {}
  if (
    typeof username !== 'string' ||
    username === '' ||
    typeof passwordHash !== 'string' ||
    !isAdminPasswordHash(passwordHash)
  ) {
    throw new Error(
      `${path} does not hold an admin credential ({"username", "passwordHash"}): give the admin password (--admin-password, --admin-password-file or ARTIFACT_REGISTRY_ADMIN_PASSWORD) to replace it`,
    )
  }
  return { username, passwordHash }
}

/** Keep the admin in `dataDir`, readable by its owner only, replacing any kept before. */
export async function storeAdmin(dataDir: string, admin: StoredAdmin): Promise<void> {
  const dir = join(dataDir, 'auth')
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await writeFileAtomic(adminFile(dataDir), `${JSON.stringify(admin, null, 2)}\n`, dir, 0o600)
}
