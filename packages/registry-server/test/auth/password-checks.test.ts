import { describe, expect, it } from 'vitest'
import { AdminAccount, hashAdminPassword } from '../../src/auth/admin-account.js'
import { clientGroup } from '../../src/auth/client-group.js'
import { PasswordChecks } from '../../src/auth/password-checks.js'
import { OciError } from '../../src/oci-errors.js'

const LIMITS = { what: 'test checks', running: 1, waiting: 2, retryAfterSeconds: 1 }

/** Checks the test finishes by hand, recording which ones ran. */
function manualChecks() {
  const ran: string[] = []
  const finishers = new Map<string, (ok: boolean) => void>()
  const run = (key: string) => () => {
    ran.push(key)
    return new Promise<boolean>((resolve) => finishers.set(key, resolve))
  }
  const finish = async (key: string, ok: boolean): Promise<void> => {
    finishers.get(key)?.(ok)
    // Let the settled check hand its turn on.
    await new Promise((resolve) => setImmediate(resolve))
  }
  return { ran, run, finish }
}

async function outcome(check: Promise<boolean>): Promise<boolean | string> {
  try {
    return await check
  } catch (error) {
    if (!(error instanceof OciError)) throw error
    return `${error.status} ${error.code} Retry-After ${error.headers['Retry-After']}`
  }
}

describe('the line of slow password checks', () => {
  it('runs one at a time, keeps the newest waiting, refuses the oldest unrun', async () => {
    const checks = new PasswordChecks(LIMITS)
    const { ran, run, finish } = manualChecks()
    const answers = ['a', 'b', 'c', 'd', 'e'].map((key) => outcome(checks.check(key, run(key))))
    expect(checks.pending).toEqual({ running: 1, waiting: 2 })
    // b and c were pushed out by d and e, at once.
    expect(await answers[1]).toBe('429 TOOMANYREQUESTS Retry-After 1')
    expect(await answers[2]).toBe('429 TOOMANYREQUESTS Retry-After 1')
    await finish('a', false)
    await finish('d', true)
    await finish('e', false)
    expect(await Promise.all(answers)).toEqual([
      false,
      '429 TOOMANYREQUESTS Retry-After 1',
      '429 TOOMANYREQUESTS Retry-After 1',
      true,
      false,
    ])
    expect(ran).toEqual(['a', 'd', 'e'])
    expect(checks.pending).toEqual({ running: 0, waiting: 0 })
  })

  it("pushes out the oldest check of the client with the most waiting, not another client's", async () => {
    const checks = new PasswordChecks(LIMITS)
    const { ran, run, finish } = manualChecks()
    const flood = (key: string) => outcome(checks.check(key, run(key), undefined, '192.0.2.1'))
    const first = flood('a')
    const admin = outcome(checks.check('admin', run('admin'), undefined, '127.0.0.1'))
    const later = ['b', 'c', 'd'].map(flood)
    // The line holds admin and the flood's newest, d: b and c were pushed out, never admin.
    expect(await later[0]).toBe('429 TOOMANYREQUESTS Retry-After 1')
    expect(await later[1]).toBe('429 TOOMANYREQUESTS Retry-After 1')
    await finish('a', false)
    await finish('admin', true)
    await finish('d', false)
    expect(await admin).toBe(true)
    expect(await first).toBe(false)
    expect(ran).toEqual(['a', 'admin', 'd'])
  })

  it('among clients with as many waiting, pushes out one whose checks failed before, not the admin', async () => {
    const checks = new PasswordChecks(LIMITS)
    const { ran, run, finish } = manualChecks()
    // Three flooding addresses take turns; each has failed once already.
    const floods = ['198.51.100.1', '198.51.100.2', '198.51.100.3']
    for (const [i, client] of floods.entries()) {
      const failed = outcome(checks.check(`old${i}`, run(`old${i}`), undefined, client))
      await finish(`old${i}`, false)
      expect(await failed).toBe(false)
    }
    const running = outcome(checks.check('f0', run('f0'), undefined, floods[0]))
    const admin = outcome(checks.check('admin', run('admin'), undefined, '192.0.2.7'))
    const later = [1, 2].map((i) =>
      outcome(checks.check(`f${i}`, run(`f${i}`), undefined, floods[i])),
    )
    // admin, f1 and f2 waited, one each; f2 arrived and one had to go: a flood's, not admin.
    expect(await later[0]).toBe('429 TOOMANYREQUESTS Retry-After 1')
    await finish('f0', false)
    await finish('admin', true)
    await finish('f2', false)
    expect(await admin).toBe(true)
    expect(await running).toBe(false)
    expect(ran.slice(3)).toEqual(['f0', 'admin', 'f2'])
  })

  // One host usually holds a whole IPv6 /64; Node may show an IPv4 client IPv6-mapped.
  it.each([
    ['2001:db8:0:1::5', '2001:db8:0:1::/64'],
    ['2001:db8:0:1:ffff:1:2:3', '2001:db8:0:1::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['10.0.0.1', '10.0.0.1'],
    [undefined, undefined],
  ])('counts the address %s as the client %s', (address, group) => {
    expect(clientGroup(address)).toBe(group)
  })

  it('drops a waiting check whose callers have all gone, before it runs', async () => {
    const checks = new PasswordChecks(LIMITS)
    const { ran, run, finish } = manualChecks()
    const first = checks.check('a', run('a'))
    const gone = new AbortController()
    const abandoned = checks.check('b', run('b'), gone.signal)
    const kept = checks.check('c', run('c'))
    gone.abort()
    expect(await abandoned).toBe(false)
    expect(checks.pending).toEqual({ running: 1, waiting: 1 })
    await finish('a', false)
    await finish('c', true)
    expect([await first, await kept]).toEqual([false, true])
    expect(ran).toEqual(['a', 'c'])
    // Already gone when asked: nothing is queued.
    expect(await checks.check('d', run('d'), AbortSignal.abort())).toBe(false)
    expect(ran).toEqual(['a', 'c'])
  })

  it('lets callers asking about the same secret share one check, until they all go', async () => {
    const checks = new PasswordChecks(LIMITS)
    const { ran, run, finish } = manualChecks()
    const first = checks.check('a', run('a'))
    const gone = new AbortController()
    const leaving = checks.check('same', run('same'), gone.signal)
    const staying = checks.check('same', run('same'))
    gone.abort()
    expect(await leaving).toBe(false)
    expect(checks.pending).toEqual({ running: 1, waiting: 1 })
    await finish('a', false)
    await finish('same', true)
    expect([await first, await staying]).toEqual([false, true])
    expect(ran).toEqual(['a', 'same'])
  })
})

describe("the admin's password hash", () => {
  it('is not checked for a client that has gone', async () => {
    const admin = AdminAccount.from({
      username: 'admin',
      passwordHash: await hashAdminPassword('signal-admin-secret'),
    })
    // The right password, not checked: a check would have said true.
    expect(await admin.verify('signal-admin-secret', AbortSignal.abort())).toBe(false)
    expect(await admin.verify('signal-admin-secret')).toBe(true)
    expect(await admin.verify('signal-admin-secret!')).toBe(false)
  })
})
