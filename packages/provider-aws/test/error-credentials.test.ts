import { inspect } from 'node:util'
import { isArtifactRegistryError } from '@artifact-registry/core'
import { whereSecretsAre } from '@artifact-registry/test-kit'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, describe, expect, it } from 'vitest'
import type { AwsProvider } from '../src/index.js'
import { baseSessionOptions, providerFor, uniqueLogical } from './helpers.js'

// The SDK keeps the HTTP answer on each error it throws (hidden `$response`), and the answer's
// body keeps the request that was sent, signed headers and all: the session token of whoever
// signed it, and a signature AWS accepts again for minutes.

const BASE_ROLE = 'arn:aws:iam::123456789012:role/ci-runner'
const fake = await startAwsFake({ roles: { [BASE_ROLE]: {} } })
afterAll(() => fake.close())

/** The provider's identity: a role session, as on a CI runner, with a known key and token. */
async function sessionProvider(
  unscoped: boolean,
): Promise<{ provider: AwsProvider; secrets: string[] }> {
  const options = await baseSessionOptions(fake, BASE_ROLE, 3600)
  const { secretAccessKey, sessionToken } = (
    options.clientConfig as { credentials: { secretAccessKey: string; sessionToken: string } }
  ).credentials
  const provider = await providerFor(
    fake,
    unscoped
      ? {
          ...options,
          pullRoleArn: undefined,
          pushRoleArn: undefined,
          allowUnscopedCredentials: true,
        }
      : options,
  )
  return { provider, secrets: [secretAccessKey, sessionToken] }
}

describe("a refused call leaves the signing identity's credentials out of the error", () => {
  it.each([
    ['AssumeRole', false],
    ['GetAuthorizationToken', true],
    ['DescribeRepositories', true],
  ] as const)(
    '%s: neither the secret key nor the session token, however deep it is read',
    async (operation, unscoped) => {
      const { provider, secrets } = await sessionProvider(unscoped)
      try {
        expect(secrets.every((s) => s.length > 16)).toBe(true)
        const { name } = await provider.createRepository(uniqueLogical('secrets'))
        fake.inject(operation, 'throttling')
        const err = await provider.generateCredentials(name, 'pull').then(
          () => undefined,
          (e: unknown) => e,
        )
        fake.reset()
        expect(isArtifactRegistryError(err, 'RATE_LIMITED'), String(err)).toBe(true)
        // The SDK error stays the cause, with its status, for whoever debugs the refusal.
        expect((err as Error).cause).toBeDefined()
        expect(whereSecretsAre(err, secrets)).toEqual([])
        const printed = inspect(err, { depth: Infinity, showHidden: true })
        expect(secrets.filter((s) => printed.includes(s))).toEqual([])
      } finally {
        await provider.close()
      }
    },
  )

  it('GetAuthorizationToken of a scoped session: none of its signed headers', async () => {
    // The scoped session's token never leaves the provider (the fake does not tell it either),
    // so what is looked for is the header that carries it, and the signature beside it.
    const { provider } = await sessionProvider(false)
    try {
      const { name } = await provider.createRepository(uniqueLogical('secrets'))
      fake.inject('GetAuthorizationToken', 'throttling')
      const err = await provider.generateCredentials(name, 'pull').then(
        () => undefined,
        (e: unknown) => e,
      )
      fake.reset()
      expect(isArtifactRegistryError(err, 'RATE_LIMITED'), String(err)).toBe(true)
      expect(whereSecretsAre(err, ['x-amz-security-token', 'Signature='])).toEqual([])
    } finally {
      await provider.close()
    }
  })
})
