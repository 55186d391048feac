import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startLocalRegistry } from '@artifact-registry/registry-server'
import { afterEach, expect, it } from 'vitest'

// The README's block is the region below, word for word (tools/test/readme-snippets.test.ts
// checks it), followed by checks of what the README says about it.

const basic = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

it('the usage example serves ./data with auth on', async () => {
  const work = await mkdtemp(join(tmpdir(), 'readme-server-'))
  const cwd = process.cwd()
  process.chdir(work) // the example's ./data lands in a scratch directory
  cleanups.push(async () => {
    process.chdir(cwd)
    await rm(work, { recursive: true, force: true })
  })

  // #region usage
  const password = randomBytes(24).toString('base64url') // or your own secret
  await using server = await startLocalRegistry({
    dataDir: './data',
    adminCredentials: { username: 'admin', password },
  })
  // server.url is http://127.0.0.1:<port>; every request now needs credentials
  // #endregion

  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  expect((await stat(join(work, 'data'))).isDirectory()).toBe(true)
  expect((await fetch(`${server.url}/v2/`)).status).toBe(401)
  const admin = await fetch(`${server.url}/v2/`, {
    headers: { authorization: basic('admin', password) },
  })
  expect(admin.status).toBe(200)
})
