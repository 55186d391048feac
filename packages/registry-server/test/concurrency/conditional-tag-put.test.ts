import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sha256 } from '@artifact-registry/test-kit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'

const INDEX_TYPE = 'application/vnd.oci.image.index.v1+json'
const PUSHERS = 12

/** An index of no manifests (it needs no blob), told apart from the others by `n`. */
function index(n: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: INDEX_TYPE,
      manifests: [],
      annotations: { n: String(n) },
    }),
  )
}

let dataDir: string
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'conditional-tag-'))
})
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

async function put(
  url: string,
  tag: string,
  body: Buffer,
  condition: Record<string, string>,
): Promise<number> {
  const res = await fetch(`${url}/v2/cas/app/manifests/${tag}`, {
    method: 'PUT',
    body,
    headers: { 'content-type': INDEX_TYPE, ...condition },
  })
  await res.arrayBuffer()
  return res.status
}

// If-Match and If-None-Match make a tag push a compare-and-swap: of pushers racing with the same
// condition, one wins and the others learn that the tag moved, rather than overwrite it unseen.
describe('conditional tag pushes racing each other', () => {
  it('If-None-Match: * — one push creates the tag, every other one is refused with 412', async () => {
    await using registry = await startLocalRegistry({ dataDir, logLevel: 'silent' })
    const statuses = await Promise.all(
      Array.from({ length: PUSHERS }, (_, n) =>
        put(registry.url, 'latest', index(n), { 'if-none-match': '*' }),
      ),
    )
    await expectOneWinner(registry.url, statuses)
  })

  it('If-Match on the current digest — one push moves the tag, every other one is refused with 412', async () => {
    await using registry = await startLocalRegistry({ dataDir, logLevel: 'silent' })
    const base = index(-1)
    expect(await put(registry.url, 'latest', base, {})).toBe(201)
    const statuses = await Promise.all(
      Array.from({ length: PUSHERS }, (_, n) =>
        put(registry.url, 'latest', index(n), { 'if-match': `"${sha256(base)}"` }),
      ),
    )
    await expectOneWinner(registry.url, statuses)
  })
})

/**
 * One push was told 201 and every other 412, and the tag names the manifest of the one told it
 * won: a lost update would show as more than one 201, or a tag naming another push's manifest.
 */
async function expectOneWinner(url: string, statuses: readonly number[]): Promise<void> {
  expect(
    statuses.filter((s) => s === 201),
    statuses.join(),
  ).toHaveLength(1)
  expect(
    statuses.filter((s) => s === 412),
    statuses.join(),
  ).toHaveLength(PUSHERS - 1)
  const winner = statuses.indexOf(201)
  const head = await fetch(`${url}/v2/cas/app/manifests/latest`, { method: 'HEAD' })
  expect(head.headers.get('docker-content-digest')).toBe(sha256(index(winner)))
}
