import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { basicAuth } from '@artifact-registry/test-kit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashAdminPassword, startLocalRegistry } from '../../src/index.js'
import { sleep, ThreadPoolGate } from '../support/thread-pool-gate.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'admin-username-timing-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function statusAs(url: string, username: string, password: string): Promise<number> {
  const res = await fetch(`${url}/v2/`, {
    headers: { authorization: basicAuth(username, password) },
  })
  await res.body?.cancel()
  return res.status
}

// A wrong password for the admin costs an scrypt hash, made on the thread pool; with the pool held,
// a refusal that came back anyway was made without one.
describe('which username is the admin', () => {
  it('is not told by how soon a wrong password is refused', async () => {
    const passwordHash = await hashAdminPassword('the-admin-secret')
    await using registry = await startLocalRegistry({
      adminCredentials: { username: 'root-op', passwordHash },
    })
    const gate = await ThreadPoolGate.close(dir)
    try {
      const asAdmin = statusAs(registry.url, 'root-op', 'guess-1')
      const asStranger = statusAs(registry.url, 'nobody', 'guess-2')
      const pending = Symbol('pending')
      const soon = (answer: Promise<number>) =>
        Promise.race([answer, sleep(300).then(() => pending)])
      // Both wait for their hash: a stranger answered at once would name the admin by elimination.
      expect(await soon(asAdmin)).toBe(pending)
      expect(await soon(asStranger)).toBe(pending)
      await gate.open()
      expect(await asAdmin).toBe(401)
      expect(await asStranger).toBe(401)
    } finally {
      await gate.open()
    }
  })

  it('still refuses the admin password under another username, and lets the admin in', async () => {
    const passwordHash = await hashAdminPassword('the-admin-secret')
    await using registry = await startLocalRegistry({
      adminCredentials: { username: 'root-op', passwordHash },
    })
    expect(await statusAs(registry.url, 'nobody', 'the-admin-secret')).toBe(401)
    expect(await statusAs(registry.url, 'root-op', 'the-admin-secret')).toBe(200)
    // Remembered now, and still only under the admin's own name.
    expect(await statusAs(registry.url, 'nobody', 'the-admin-secret')).toBe(401)
    const minted = await registry.generateCredentials('team/app', 'pull', 60)
    expect(await statusAs(registry.url, minted.username, minted.password)).toBe(200)
  })
})
