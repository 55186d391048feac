import { readFileSync } from 'node:fs'

/** One row of the README's IAM permissions table. */
export interface PermissionRow {
  /** The predefined roles named, the first being the one to grant. */
  readonly roles: readonly string[]
  /** What a custom role in its place holds, exactly. */
  readonly permissions: readonly string[]
}

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

/**
 * The row of the README's IAM permissions table for an identity (`caller`, `pull service
 * account`, `push service account`) on a target (`the GAR repository`, `each of the two
 * accounts`), as the tests grant it.
 * @throws Error when the README has no such row.
 */
export function readmePermissions(identity: string, on: string): PermissionRow {
  for (const line of README.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    if (cells[1] !== identity || cells[2] !== on) continue
    const quoted = (cell: string | undefined): string[] =>
      [...(cell ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '')
    return { roles: quoted(cells[3]), permissions: quoted(cells[4]) }
  }
  throw new Error(`README.md has no IAM permissions row for ${identity} on ${on}`)
}
