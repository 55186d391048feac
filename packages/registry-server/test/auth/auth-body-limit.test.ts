import { randomBytes } from 'node:crypto'
import { basicAuth } from '@artifact-registry/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LocalRegistry, TokenService } from '../../src/index.js'
import { startLocalRegistry, startTokenService } from '../../src/index.js'

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const LIMIT = 64 * 1024

/**
 * The token realm and the admin endpoints read at most 64 KiB of body, in the registry and in
 * the standalone token service alike, and answer more with the same 413 and OCI error body.
 */
describe('bodies of the token realm and the admin endpoints', () => {
  let registry: LocalRegistry
  let tokens: TokenService
  const servers: Record<string, string> = {}
  beforeAll(async () => {
    registry = await startLocalRegistry({ adminCredentials: ADMIN })
    tokens = await startTokenService({ admin: ADMIN })
    servers.registry = registry.url
    servers['token service'] = tokens.url
  })
  afterAll(async () => {
    await registry?.close()
    await tokens?.close()
  })

  const post = async (
    url: string,
    body: string,
    contentType: string,
  ): Promise<{ status: number; body: string }> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: basicAuth(ADMIN.username, ADMIN.password),
        'content-type': contentType,
      },
      body,
    })
    return { status: res.status, body: await res.text() }
  }
  // A form of exactly `size` bytes: a password padded out (wrong, so the answer is a 401).
  const form = (size: number): string => {
    const head = 'grant_type=password&username=someone&password='
    return head + 'x'.repeat(size - head.length)
  }

  for (const [path, contentType, body] of [
    ['/token', 'application/x-www-form-urlencoded', form(70 * 1024)],
    [
      '/_artifact-registry/credentials',
      'application/json',
      JSON.stringify({ pad: 'x'.repeat(70 * 1024) }),
    ],
    [
      '/_artifact-registry/credentials/revoke',
      'application/json',
      JSON.stringify({ pad: 'x'.repeat(70 * 1024) }),
    ],
  ] as const) {
    it(`POST ${path} with 70 KB: the same 413 and OCI error from the registry and the token service`, async () => {
      const answers = await Promise.all(
        Object.values(servers).map((url) => post(`${url}${path}`, body, contentType)),
      )
      for (const answer of answers) {
        expect(answer.status).toBe(413)
        expect(JSON.parse(answer.body)).toEqual({
          errors: [
            {
              code: 'SIZE_INVALID',
              message: expect.any(String),
              detail: `the body is larger than ${LIMIT} bytes`,
            },
          ],
        })
      }
      expect(answers[1]?.body).toBe(answers[0]?.body)
    })
  }

  it('a form of exactly 64 KiB is read: wrong credentials, 401, on both', async () => {
    for (const url of Object.values(servers)) {
      const answer = await post(`${url}/token`, form(LIMIT), 'application/x-www-form-urlencoded')
      expect(answer.status, url).toBe(401)
    }
  })
})
