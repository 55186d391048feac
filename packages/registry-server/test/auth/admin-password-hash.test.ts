import { basicAuth } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { hashAdminPassword, startLocalRegistry } from '../../src/index.js'

async function statusAs(url: string, username: string, password: string): Promise<number> {
  const res = await fetch(`${url}/v2/`, {
    headers: { authorization: basicAuth(username, password) },
  })
  await res.body?.cancel()
  return res.status
}

describe('an admin known only by the hash of its password', () => {
  it('hashes with scrypt and a fresh salt: the same password never hashes the same', async () => {
    const [a, b] = await Promise.all([hashAdminPassword('same'), hashAdminPassword('same')])
    expect(a).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/)
    expect(a).not.toBe(b)
    expect(a).not.toContain('same')
  })

  it('lets the admin in with the password and nobody with another, again and again', async () => {
    const passwordHash = await hashAdminPassword('hashed-admin-secret')
    await using registry = await startLocalRegistry({
      adminCredentials: { username: 'admin', passwordHash },
    })
    const attempts = await Promise.all([
      statusAs(registry.url, 'admin', 'wrong-1'),
      statusAs(registry.url, 'admin', 'hashed-admin-secret'),
      statusAs(registry.url, 'admin', 'wrong-2'),
      statusAs(registry.url, 'admin', ''),
    ])
    expect(attempts).toEqual([401, 200, 401, 401])
    // Later requests take the remembered path; a wrong password must still be refused there.
    expect(await statusAs(registry.url, 'admin', 'hashed-admin-secret')).toBe(200)
    expect(await statusAs(registry.url, 'admin', 'hashed-admin-secret!')).toBe(401)
    expect(await statusAs(registry.url, 'someone', 'hashed-admin-secret')).toBe(401)
    // Minting needs the admin too.
    const minted = await registry.generateCredentials('team/app', 'pull', 60)
    expect(minted.username).toMatch(/^cred-/)
  })

  it.each([
    ['not a hash', 'hashed-admin-secret'],
    [
      'a hash asking for too much memory',
      '$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
  ])('refuses %s with a TypeError', async (_, passwordHash) => {
    await expect(
      startLocalRegistry({ adminCredentials: { username: 'admin', passwordHash } }),
    ).rejects.toThrow(/passwordHash must be a hash made by hashAdminPassword/)
  })
})
