import { basicAuth } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { type AdminCredentials, hashAdminPassword, startLocalRegistry } from '../../src/index.js'

const PASSWORD = 'whole-admin-secret'

/** The status of `GET /v2/` with the admin's username and `password`. */
async function statusAs(url: string, password: string): Promise<number> {
  const res = await fetch(`${url}/v2/`, {
    headers: { authorization: basicAuth('admin', password) },
  })
  await res.body?.cancel()
  return res.status
}

// The admin may do everything: a check that compared only the start of the password, or stopped
// at the end of what was sent, would let in whoever guessed one character.
describe.each([
  [
    'its password',
    async (): Promise<AdminCredentials> => ({ username: 'admin', password: PASSWORD }),
  ],
  [
    'the hash of its password',
    async (): Promise<AdminCredentials> => ({
      username: 'admin',
      passwordHash: await hashAdminPassword(PASSWORD),
    }),
  ],
])('an admin configured with %s', (_, adminCredentials) => {
  it('is let in with the whole password only: never a part of it, nor more', async () => {
    await using registry = await startLocalRegistry({ adminCredentials: await adminCredentials() })
    expect(await statusAs(registry.url, PASSWORD), 'control').toBe(200)
    const wrong = [
      PASSWORD.slice(0, 1),
      PASSWORD.slice(0, 5),
      PASSWORD.slice(0, -1),
      `${PASSWORD}x`,
      PASSWORD.toUpperCase(),
    ]
    for (const password of wrong) {
      expect(await statusAs(registry.url, password), JSON.stringify(password)).toBe(401)
    }
  })
})

// Basic auth splits `user:password` at the first colon (RFC 7617 allows none in the user-id): an
// admin named with a colon was taken, then refused on every request, its revocations included.
it.each([
  ['its password', { username: 'ops:team', password: PASSWORD }],
  ['no username but a colon', { username: ':', password: PASSWORD }],
])(
  'an admin username with a colon (given with %s) is refused with a TypeError',
  async (_, given) => {
    await expect(startLocalRegistry({ adminCredentials: given })).rejects.toThrow(
      /admin username must not contain a colon/,
    )
  },
)
