import {
  type ArtifactRegistry,
  type ArtifactRegistryCredentials,
  type GenerateCredentialsOptions,
  type Permission,
  resolveTtl,
} from '@artifact-registry/core'
import { checkOptions, expectCode, registryTest, uniqueName } from '../context.js'
import type { ContractSuiteOptions, ContractTestContext } from '../types.js'

/** A credentials test's body: a fresh provider and a repository created in it for this test. */
type RepositoryTestFn<R extends ArtifactRegistry> = (
  registry: R,
  context: ContractTestContext,
  name: string,
) => Promise<void>

// Platforms may shave a little off a lifetime (clock skew margins); they must never add to it.
const EARLY_SLACK_MS = 60_000
const LATE_SLACK_MS = 5_000

/**
 * Credentials: the shape matches the declared auth method, `expiresAt` is present and honest,
 * TTLs are clamped to the platform's limits (each checked for both permission levels) and bad
 * arguments give `INVALID_ARGUMENT`.
 */
export function credentialTests<R extends ArtifactRegistry>(
  options: ContractSuiteOptions<R>,
): void {
  checkOptions(options)
  /** Register a credentials test that gets a fresh repository to issue credentials for. */
  const credentialTest = (title: string, body: RepositoryTestFn<R>): void =>
    registryTest(options, title, async (r, t) => {
      const { name } = await r.createRepository(uniqueName('cred'))
      await body(r, t, name)
    })

  options.test.describe('credentials', () => {
    for (const permission of ['pull', 'push-pull'] as const) {
      credentialTest(`${permission} credentials have the declared shape`, async (r, t, name) => {
        const credentials = await r.generateCredentials(name, permission)
        expectShape(t, r, credentials)
      })
    }

    // Both levels: a provider may mint them on separate paths, one of which drops the TTL.
    for (const permission of ['pull', 'push-pull'] as const) {
      credentialTest(
        `${permission} credentials: expiresAt follows the requested TTL within the platform limits`,
        async (r, t, name) => {
          const rule = r.capabilities.credentialTtl
          const requested = Math.min(rule.maxSeconds, Math.max(rule.minSeconds, 600))
          await expectExpiry(
            t,
            r,
            () => r.generateCredentials(name, permission, { ttlSeconds: requested }),
            requested,
          )
        },
      )
    }

    // Both levels, for the default and the ceiling too: a provider that mints them on separate
    // paths may drop the default or the clamp on one of them, and either credential then lives
    // longer than the caller asked or the platform allows.
    for (const permission of ['pull', 'push-pull'] as const) {
      credentialTest(
        `${permission} credentials: the default TTL is the declared default`,
        async (r, t, name) => {
          await expectExpiry(
            t,
            r,
            () => r.generateCredentials(name, permission),
            r.capabilities.credentialTtl.defaultSeconds,
          )
        },
      )
    }

    for (const permission of ['pull', 'push-pull'] as const) {
      credentialTest(
        `${permission} credentials: a TTL beyond the platform limit is clamped, never exceeded`,
        async (r, t, name) => {
          const rule = r.capabilities.credentialTtl
          const before = Date.now()
          const credentials = await r.generateCredentials(name, permission, {
            ttlSeconds: rule.maxSeconds * 10,
          })
          t.expect(credentials.expiresAt, 'expiresAt must be a Date').toBeInstanceOf(Date)
          const expiresAt = credentials.expiresAt?.getTime() ?? 0
          t.expect(
            expiresAt,
            `expiresAt ${new Date(expiresAt).toISOString()} is beyond credentialTtl.maxSeconds (${rule.maxSeconds} s) for a request of ${rule.maxSeconds * 10} s`,
          ).toBeLessThanOrEqual(Date.now() + rule.maxSeconds * 1000 + LATE_SLACK_MS)
          t.expect(expiresAt, 'expiresAt must be in the future').toBeGreaterThan(before)
        },
      )
    }

    // Below the shortest lifetime the platform issues, the credentials live that long: an
    // expiresAt worked out from the TTL asked for would tell the caller they are dead while they
    // still work. Where the shortest is a second, 1 s is simply honoured.
    for (const permission of ['pull', 'push-pull'] as const) {
      credentialTest(
        `${permission} credentials: a TTL below the platform minimum is raised to it`,
        async (r, t, name) => {
          await expectExpiry(
            t,
            r,
            () => r.generateCredentials(name, permission, { ttlSeconds: 1 }),
            1,
          )
        },
      )
    }

    credentialTest('invalid TTLs give INVALID_ARGUMENT', async (r, t, name) => {
      // Infinity is no whole number of seconds, though `Math.floor(ttl) === ttl` says it is: a
      // caller asking for credentials that never expire must hear that none can be issued, not
      // get the longest lifetime in silence.
      for (const ttlSeconds of [0, -60, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expectCode(t, r.generateCredentials(name, 'pull', { ttlSeconds }), 'INVALID_ARGUMENT')
      }
    })

    credentialTest(
      'a TTL in place of the options, or as a string, gives INVALID_ARGUMENT',
      async (r, t, name) => {
        // What untyped callers write by mistake; a silent default lifetime would hide it.
        const misuses = [
          60,
          '60',
          null,
          { ttlSeconds: '60' },
        ] as unknown as GenerateCredentialsOptions[]
        for (const misuse of misuses) {
          await expectCode(t, r.generateCredentials(name, 'pull', misuse), 'INVALID_ARGUMENT')
        }
      },
    )

    credentialTest('an unknown permission gives INVALID_ARGUMENT', async (r, t, name) => {
      // A bigint and an object without a prototype too: values JSON.stringify and String() throw
      // on, which a message that quotes the permission must not turn into a TypeError.
      const unknown = ['push', 'admin', '', 'Pull', 10n, Object.create(null), null]
      for (const permission of unknown as unknown as Permission[]) {
        await expectCode(t, r.generateCredentials(name, permission), 'INVALID_ARGUMENT')
      }
    })
  })
}

function expectShape(
  t: ContractTestContext,
  r: ArtifactRegistry,
  c: ArtifactRegistryCredentials,
): void {
  // Each check says what is wrong: "expected false to be true" does not tell an author that
  // `registryEndpoint` and the credentials' `registry` disagree.
  t.expect(c.authMethod, 'authMethod must be capabilities.credentialAuthMethod').toBe(
    r.capabilities.credentialAuthMethod,
  )
  t.expect(c.registry, 'registry must be host[:port], without scheme or path').toMatch(
    /^[^/\s:]+(:\d+)?$/,
  )
  t.expect(
    r.registryEndpoint,
    `registryEndpoint must be the scheme and the credentials' registry (${c.registry}), nothing more`,
  ).toSatisfy((endpoint: string) => endpoint.endsWith(`//${c.registry}`))
  t.expect(c.password.length, 'password must not be empty').toBeGreaterThan(0)
  if (c.authMethod === 'bearer') t.expect(c.username, 'username of bearer credentials').toBe('')
  else
    t.expect(c.username.length, 'username of basic credentials must not be empty').toBeGreaterThan(
      0,
    )
  t.expect(c.expiresAt, 'expiresAt must be a Date').toBeInstanceOf(Date)
  t.expect(c.expiresAt?.getTime() ?? 0, 'expiresAt must be in the future').toBeGreaterThan(
    Date.now(),
  )
}

async function expectExpiry(
  t: ContractTestContext,
  r: ArtifactRegistry,
  generate: () => Promise<ArtifactRegistryCredentials>,
  requestedSeconds: number,
): Promise<void> {
  const rule = r.capabilities.credentialTtl
  const expected = resolveTtl(rule, requestedSeconds).seconds * 1000
  const before = Date.now()
  const credentials = await generate()
  const after = Date.now()
  const expiresAt = credentials.expiresAt?.getTime()
  t.expect(expiresAt, 'expiresAt must be the real expiry').toBeTypeOf('number')
  if (expiresAt === undefined) return
  const ceiling = (rule.honoursRequest ? expected : rule.maxSeconds * 1000) + LATE_SLACK_MS
  const lifetime = `${Math.round((expiresAt - after) / 1000)} s from now`
  t.expect(
    expiresAt,
    `expiresAt ${new Date(expiresAt).toISOString()} (${lifetime}) is later than the credentialTtl rule allows for a request of ${requestedSeconds} s (${ceiling / 1000} s at most, with slack)`,
  ).toBeLessThanOrEqual(after + ceiling)
  if (rule.honoursRequest)
    t.expect(
      expiresAt,
      `expiresAt ${new Date(expiresAt).toISOString()} (${lifetime}) is earlier than the credentialTtl rule gives a request of ${requestedSeconds} s (${expected / 1000} s)`,
    ).toBeGreaterThanOrEqual(before + expected - EARLY_SLACK_MS)
  else t.expect(expiresAt, 'expiresAt must be in the future').toBeGreaterThan(after)
}
