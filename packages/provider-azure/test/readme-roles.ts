import { readFileSync } from 'node:fs'
import type { AcrRole } from '@artifact-registry/testing/fakes/azure'
import type { AzureCredentialsMode as CredentialsMode } from '../src/index.js'

/** What the README's Azure roles table gives the identity in one credentials mode. */
export interface ReadmeRoles {
  /** The ARM actions, exactly as a custom role would hold them. */
  readonly armActions: readonly string[]
  /** The built-in data-plane roles. */
  readonly acrRoles: readonly AcrRole[]
}

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const KNOWN_ROLES: readonly string[] = ['AcrPull', 'AcrPush', 'AcrDelete']

/** The rows of the README's Provisioning section's table of the provisioning identity. */
export const PROVISIONING_ROWS = ['provisioning'] as const

/**
 * The row of the README's Azure roles table for `mode` (`| \`mode\` | ARM actions | roles |`),
 * or of its Provisioning section's table for the provisioning identity (`\`provisioning\``).
 * @throws Error when the README has no such row, or names a role the fake does not know.
 */
export function readmeRoles(
  mode: CredentialsMode | (typeof PROVISIONING_ROWS)[number],
): ReadmeRoles {
  for (const line of README.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim())
    if (cells[1] !== `\`${mode}\``) continue
    const acrRoles = quoted(cells[3])
    const unknown = acrRoles.filter((role) => !KNOWN_ROLES.includes(role))
    if (unknown.length > 0) throw new Error(`README.md names unknown roles: ${unknown.join(', ')}`)
    return { armActions: quoted(cells[2]), acrRoles: acrRoles as AcrRole[] }
  }
  throw new Error(`README.md has no Azure roles row for ${mode}`)
}

/** `roles` without `dropped` (an ARM action or a role): to show each one listed is needed. */
export function withoutRole(roles: ReadmeRoles, dropped: string): ReadmeRoles {
  return {
    armActions: roles.armActions.filter((a) => a !== dropped),
    acrRoles: roles.acrRoles.filter((r) => r !== dropped),
  }
}

// --- Internal ---

function quoted(cell: string | undefined): string[] {
  return [...(cell ?? '').matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '')
}
