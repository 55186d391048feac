import { readFileSync } from 'node:fs'

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

/**
 * The IAM actions the README's permissions table gives an identity on a target: the row whose
 * `identity` and `on` cells read so (backticks aside), its quoted `service:Action` entries.
 * @throws Error when the README has no such row.
 */
export function readmeActions(identity: string, on: string): string[] {
  const plain = (cell: string | undefined): string => (cell ?? '').replace(/`/g, '').trim()
  for (const line of README.split('\n')) {
    const cells = line.split('|')
    if (plain(cells[1]) !== identity || plain(cells[2]) !== on) continue
    return [...(cells[3] ?? '').matchAll(/`([a-z0-9-]+:[A-Za-z]+)`/g)].map((m) => m[1] ?? '')
  }
  throw new Error(`README.md has no IAM permissions row for ${identity} on ${on}`)
}
