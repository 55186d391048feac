import { type IncomingHttpHeaders, request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { basicAuth } from '@artifact-registry/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashAdminPassword, type LocalRegistry, startLocalRegistry } from '../../src/index.js'

// Each wrong password sent as the admin's used to cost one scrypt (about 180 ms of a core here),
// queued without limit: 60 of them held the admin up for about 10 s even after their clients had
// gone, and held `close()` up as long. The bounds below are far under that and far over what the
// line costs now (at most four hashes before the admin's own, under a second).
const BURST = 60
const PROMPT_MS = 5000
const PASSWORD = 'flood-admin-secret'

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: string
  ms: number
}

/**
 * `GET /v2/` with Basic `username:password`, on a connection of its own, from the loopback
 * address `from` (another client than the default's 127.0.0.1, to the same server).
 */
function get(
  base: string,
  username: string,
  password: string,
  path = '/v2/',
  from?: string,
): Promise<Answer> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), {
      agent: false,
      headers: { authorization: basicAuth(username, password) },
      ...(from !== undefined && { localAddress: from }),
    })
    req.once('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.once('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          ms: performance.now() - started,
        }),
      )
      res.once('error', reject)
    })
    req.once('error', reject)
    req.end()
  })
}

/** `GET /v2/` as the admin with a wrong password, given up by its client after `afterMs`. */
function abandoned(base: string, password: string, afterMs: number): void {
  const req = request(new URL('/v2/', base), {
    agent: false,
    headers: { authorization: basicAuth('admin', password) },
  })
  req.on('error', () => {})
  req.end()
  setTimeout(() => req.destroy(), afterMs)
}

/** Wrong passwords as the admin, `count` at once, each on its own connection. */
function wrongPasswords(
  base: string,
  count: number,
  tag: string,
  from?: string,
): Promise<Answer[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => get(base, 'admin', `${tag}${i}`, '/v2/', from)),
  )
}

let passwordHash: string
beforeAll(async () => {
  passwordHash = await hashAdminPassword(PASSWORD)
})

function start(): Promise<LocalRegistry> {
  return startLocalRegistry({ adminCredentials: { username: 'admin', passwordHash } })
}

describe('wrong admin passwords sent in a burst', () => {
  let registry: LocalRegistry
  beforeAll(async () => {
    registry = await start()
  })
  afterAll(async () => {
    await registry?.close()
  })

  it('do not keep the admin out once their clients are gone', async () => {
    for (let i = 0; i < BURST; i++) abandoned(registry.url, `x${i}`, 50)
    await sleep(60)
    const admin = await get(registry.url, 'admin', PASSWORD)
    expect({ status: admin.status, prompt: admin.ms < PROMPT_MS }).toEqual({
      status: 200,
      prompt: true,
    })
  })

  it('are answered 429 with Retry-After beyond a few, without a hash each', async () => {
    const started = performance.now()
    const answers = await wrongPasswords(registry.url, BURST, 'wrong-')
    const elapsed = performance.now() - started
    const statuses = answers.map((a) => a.status)
    // A 401 is a password that was hashed; a 429 one that never was.
    const hashed = statuses.filter((s) => s === 401).length
    const refused = answers.filter((a) => a.status === 429)
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true)
    expect(hashed).toBeLessThanOrEqual(15)
    expect(refused.length).toBeGreaterThanOrEqual(BURST - 15)
    for (const answer of refused) {
      expect(answer.headers['retry-after']).toBe('1')
      expect(JSON.parse(answer.body).errors[0].code).toBe('TOOMANYREQUESTS')
    }
    expect(elapsed).toBeLessThan(PROMPT_MS)
  })

  it('let the right password in on many requests at once: they share one check', async () => {
    await using fresh = await start()
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => get(fresh.url, 'admin', PASSWORD)),
    )
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200))
  })

  it('hold up neither an admin seen before nor minted credentials', async () => {
    await using fresh = await start()
    expect((await get(fresh.url, 'admin', PASSWORD)).status).toBe(200)
    const minted = await fresh.generateCredentials('team/app', 'pull', 600)
    const flood = wrongPasswords(fresh.url, BURST, 'again-')
    await sleep(100)
    const [admin, credential] = await Promise.all([
      get(fresh.url, 'admin', PASSWORD),
      get(fresh.url, minted.username, minted.password, '/v2/team/app/tags/list'),
    ])
    await flood
    expect({ admin: admin.status, credential: credential.status }).toEqual({
      admin: 200,
      // Authenticated: the repository is only empty.
      credential: 404,
    })
    expect(admin.ms).toBeLessThan(PROMPT_MS)
    expect(credential.ms).toBeLessThan(PROMPT_MS)
  })
})

describe.skipIf(process.platform !== 'linux')('a flood from one address', () => {
  it('does not keep out an admin not seen before, from another address: it can still revoke', async () => {
    await using fresh = await start()
    const minted = await fresh.generateCredentials('team/app', 'pull', 600)
    // The flood comes from 127.0.0.2 (Linux routes all of 127/8 to loopback), the admin from
    // 127.0.0.1: before the line was shared out by address, the admin's request was pushed out
    // with the flood's and answered 429, so a leaked credential could not be revoked.
    const flood = Promise.all(
      Array.from({ length: 4 }, (_, round) =>
        sleep(round * 150).then(() =>
          wrongPasswords(fresh.url, BURST / 4, `f${round}-`, '127.0.0.2'),
        ),
      ),
    )
    await sleep(100)
    const revoke = await new Promise<number>((resolve, reject) => {
      const req = request(new URL('/_artifact-registry/credentials/revoke', fresh.url), {
        method: 'POST',
        agent: false,
        headers: {
          authorization: basicAuth('admin', PASSWORD),
          'content-type': 'application/json',
        },
      })
      req.once('response', (res) => {
        res.resume()
        res.once('end', () => resolve(res.statusCode ?? 0))
      })
      req.once('error', reject)
      req.end(JSON.stringify({ username: minted.username }))
    })
    const flooded = (await flood).flat().map((answer) => answer.status)
    expect(flooded.filter((status) => status === 429).length).toBeGreaterThan(0)
    expect(revoke).toBe(200)
    expect(
      (await get(fresh.url, minted.username, minted.password, '/v2/team/app/tags/list')).status,
    ).toBe(401)
  })
})

describe('close()', () => {
  it('finishes promptly while wrong admin passwords are waiting', async () => {
    const registry = await start()
    const pending = wrongPasswords(registry.url, BURST, 'closing-').catch(() => [])
    await sleep(300)
    const started = performance.now()
    await registry.close()
    const closing = performance.now() - started
    await pending
    expect(closing).toBeLessThan(PROMPT_MS)
  })
})
