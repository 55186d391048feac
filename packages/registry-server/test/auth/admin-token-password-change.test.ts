import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { basicAuth } from '@artifact-registry/test-kit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type AdminCredentials, hashAdminPassword, startLocalRegistry } from '../../src/index.js'
import { claimsOf, tokenFor } from '../support/tokens.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'admin-token-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const SCOPE = 'registry:catalog:*'

/** An admin token from a registry on the data directory with `first`, then its status on one with `second`. */
async function tokenStatusAcross(first: AdminCredentials, second: AdminCredentials) {
  const dataDir = join(dir, 'data')
  const before = await startLocalRegistry({ dataDir, adminCredentials: first })
  const password = 'password' in first ? first.password : 'hashed-admin-secret'
  const token = await tokenFor(`${before.url}/token`, basicAuth(first.username, password), SCOPE)
  await before.close()
  await using after = await startLocalRegistry({ dataDir, adminCredentials: second })
  const res = await fetch(`${after.url}/v2/_catalog`, {
    headers: { authorization: `Bearer ${token}` },
  })
  await res.arrayBuffer()
  return { status: res.status, claims: claimsOf(token) }
}

describe("the admin's tokens end when the admin's password changes", () => {
  it('a token survives a restart with the same password', async () => {
    const admin = { username: 'admin', password: 'first-admin-secret' }
    const { status, claims } = await tokenStatusAcross(admin, admin)
    expect(status).toBe(200)
    // The stamp is a keyed hash: nothing of the password shows in the token.
    expect(JSON.stringify(claims)).not.toContain('first-admin-secret')
  })

  it('a token from before a password change is refused (401)', async () => {
    const { status } = await tokenStatusAcross(
      { username: 'admin', password: 'first-admin-secret' },
      { username: 'admin', password: 'second-admin-secret' },
    )
    expect(status).toBe(401)
  })

  it('so is one from before a change of the password hash', async () => {
    const first = {
      username: 'admin',
      passwordHash: await hashAdminPassword('hashed-admin-secret'),
    }
    const second = {
      username: 'admin',
      passwordHash: await hashAdminPassword('hashed-admin-secret'),
    }
    expect((await tokenStatusAcross(first, first)).status).toBe(200)
    await rm(join(dir, 'data'), { recursive: true })
    expect((await tokenStatusAcross(first, second)).status).toBe(401)
  })
})
