import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { HTPASSWD_FIXTURE } from '@artifact-registry/test-kit'

/**
 * How both servers are protected during one pass of the benchmark. A `bearer` mode (our token
 * service in front of registry:2 through its `auth.token` section) is meant to become a third
 * member: each mode only has to say how the servers start and what the clients send.
 */
export type AuthModeName = 'none' | 'basic'

/** A credential the Node client and skopeo send to both servers. */
export interface Credentials {
  username: string
  password: string
}

/** One auth mode, ready to configure both servers. */
export interface AuthMode {
  name: AuthModeName
  /** Printed next to every figure measured in this mode. */
  label: string
  /** Absent for `none`. */
  credentials?: Credentials
  /** Contents of registry:2's htpasswd file (bcrypt entries only, as distribution requires). */
  htpasswd?: string
  /** Why the htpasswd entry came from where it did; printed under the table. */
  note?: string
}

/** Prepares `name`; for Basic, one credential valid on both servers. */
export async function prepareAuth(name: AuthModeName): Promise<AuthMode> {
  if (name === 'none') return { name, label: 'none' }
  const entry = await bcryptEntry()
  return {
    name,
    label: `basic (r2 bcrypt ${entry.cost})`,
    credentials: entry.credentials,
    htpasswd: entry.line,
    note: entry.note,
  }
}

/** The `Authorization` header value for `credentials`, or undefined without auth. */
export function basicHeader(credentials: Credentials | undefined): string | undefined {
  if (credentials === undefined) return undefined
  const token = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
  return `Basic ${token}`
}

// --- internal ---

interface BcryptEntry {
  credentials: Credentials
  line: string
  cost: number
  note: string
}

/**
 * `htpasswd -Bbn` (apache2-utils) at its default cost is what an operator would deploy. Without
 * it we use the test kit's bcrypt entry for docker-registry (cost 4, cheaper to verify, so the
 * comparison leans towards registry:2) rather than hashing with home-made bcrypt.
 */
async function bcryptEntry(): Promise<BcryptEntry> {
  const credentials = { username: 'bench', password: randomBytes(12).toString('base64url') }
  try {
    const { stdout } = await promisify(execFile)('htpasswd', [
      '-Bbn',
      credentials.username,
      credentials.password,
    ])
    const line = stdout.trim()
    return { credentials, line, cost: costOf(line), note: 'htpasswd entry from `htpasswd -Bbn`' }
  } catch {
    const { username, password, line } = HTPASSWD_FIXTURE
    return {
      credentials: { username, password },
      line,
      cost: costOf(line),
      note: 'htpasswd (apache2-utils) is not installed: registry:2 used the fixed bcrypt entry of the test kit (cost 4)',
    }
  }
}

/** The cost factor of a `user:$2y$NN$…` line. */
function costOf(line: string): number {
  return Number(line.match(/:\$2[abxy]?\$(\d\d)\$/)?.[1] ?? Number.NaN)
}
