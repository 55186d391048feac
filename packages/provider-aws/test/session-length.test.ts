import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { CEILING_TTL_MS, SessionCeilings } from '../src/session-ceilings.js'
import { baseSessionOptions, PULL_ROLE, providerFor, uniqueLogical } from './helpers.js'

// STS refuses a DurationSeconds above the role's MaxSessionDuration without saying what it is;
// the provider then uses the longest session the role does allow, and reports its real expiry.

const TWO_HOURS_ROLE = 'arn:aws:iam::123456789012:role/two-hours'
const ODD_ROLE = 'arn:aws:iam::123456789012:role/odd'
const fake = await startAwsFake({
  roles: {
    [PULL_ROLE]: { maxSessionDurationSeconds: 43_200 },
    [TWO_HOURS_ROLE]: { maxSessionDurationSeconds: 7200 },
    [ODD_ROLE]: { maxSessionDurationSeconds: 5430 },
  },
})
afterAll(() => fake.close())
beforeEach(() => fake.reset())

/** The DurationSeconds of every AssumeRole the fake received, in order. */
function askedDurations(): number[] {
  return fake
    .requestsFor('AssumeRole')
    .map((r) => Number(new URLSearchParams(r.body).get('DurationSeconds')))
}

/** The session behind the last token: the one whose credentials the caller got. */
function sessionOfLastToken() {
  const key = fake.authorizationTokens.at(-1)?.accessKeyId
  return fake.assumedRoles.find((r) => r.accessKeyId === key)
}

async function pullCredentials(roleArn: string, ttlSeconds: number) {
  const registry = await providerFor(fake, { pullRoleArn: roleArn })
  const { name } = await registry.createRepository(uniqueLogical('len'))
  fake.reset()
  const credentials = await registry.generateCredentials(name, 'pull', { ttlSeconds })
  return { registry, name, credentials }
}

describe('a role whose maximum session is below the request', () => {
  it("gets the role's maximum, not one hour, and reports that expiry", async () => {
    const before = fake.now()
    const { credentials } = await pullCredentials(TWO_HOURS_ROLE, 43_200)
    const session = sessionOfLastToken()
    expect(session?.durationSeconds).toBe(7200)
    expect(credentials.expiresAt?.getTime()).toBe(session?.expiration.getTime())
    expect(credentials.expiresAt?.getTime()).toBeGreaterThanOrEqual(before + 7200_000 - 1000)
    // The refused 12 h, then a search by halves: bounded, whatever the role allows.
    expect(askedDurations()[0]).toBe(43_200)
    expect(askedDurations().length).toBeLessThanOrEqual(11)
  })

  it('finds a maximum that is no whole hour, to the minute', async () => {
    await pullCredentials(ODD_ROLE, 43_200)
    expect(sessionOfLastToken()?.durationSeconds).toBe(5400)
  })

  it('remembers the maximum: the next request asks for it at once, a shorter one for itself', async () => {
    const { registry, name } = await pullCredentials(TWO_HOURS_ROLE, 43_200)
    fake.reset()
    await registry.generateCredentials(name, 'pull', { ttlSeconds: 43_200 })
    expect(askedDurations()).toEqual([7200])
    await registry.generateCredentials(name, 'pull', { ttlSeconds: 1800 })
    expect(askedDurations()).toEqual([7200, 1800])
  })

  it('role chaining: one hour at once, as STS says, without a search', async () => {
    const chained = await providerFor(fake, await baseSessionOptions(fake, TWO_HOURS_ROLE, 900))
    const { name } = await chained.createRepository(uniqueLogical('chain'))
    fake.reset()
    const credentials = await chained.generateCredentials(name, 'pull', { ttlSeconds: 7200 })
    expect(askedDurations()).toEqual([7200, 3600])
    expect(credentials.expiresAt?.getTime()).toBe(sessionOfLastToken()?.expiration.getTime())
  })

  it("role chaining's hour belongs to the caller: a second role is asked for an hour at once", async () => {
    const chained = await providerFor(fake, {
      pullRoleArn: TWO_HOURS_ROLE,
      pushRoleArn: ODD_ROLE,
      ...(await baseSessionOptions(fake, TWO_HOURS_ROLE, 900)),
    })
    const { name } = await chained.createRepository(uniqueLogical('chain'))
    fake.reset()
    await chained.generateCredentials(name, 'pull', { ttlSeconds: 7200 })
    expect(askedDurations()).toEqual([7200, 3600])
    fake.reset()
    const credentials = await chained.generateCredentials(name, 'push-pull', { ttlSeconds: 7200 })
    expect(askedDurations()).toEqual([3600])
    expect(credentials.expiresAt?.getTime()).toBe(sessionOfLastToken()?.expiration.getTime())
  })
})

describe('SessionCeilings', () => {
  it("the caller's ceiling caps every role, the lower of the two winning", () => {
    let now = 0
    const ceilings = new SessionCeilings(() => now)
    ceilings.set(ODD_ROLE, 5400)
    ceilings.setForCaller(3600)
    expect(ceilings.get(ODD_ROLE)).toBe(3600)
    expect(ceilings.get(TWO_HOURS_ROLE)).toBe(3600)
    ceilings.set(TWO_HOURS_ROLE, 1800)
    expect(ceilings.get(TWO_HOURS_ROLE)).toBe(1800)
    now = CEILING_TTL_MS
    expect(ceilings.get(ODD_ROLE)).toBeUndefined()
  })

  it('forgets a ceiling after an hour, so a raised role maximum is used again', () => {
    let now = 0
    const ceilings = new SessionCeilings(() => now)
    ceilings.set(TWO_HOURS_ROLE, 7200)
    now = CEILING_TTL_MS - 1
    expect(ceilings.get(TWO_HOURS_ROLE)).toBe(7200)
    expect(ceilings.get(ODD_ROLE)).toBeUndefined()
    now = CEILING_TTL_MS
    expect(ceilings.get(TWO_HOURS_ROLE)).toBeUndefined()
  })
})
