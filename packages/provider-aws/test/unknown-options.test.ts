import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { type AwsProviderOptions, aws, fromBinding } from '../src/index.js'
import { provision } from '../src/provision/index.js'
import { PREFIX, PULL_ROLE, PUSH_ROLE, REGION, REPLICA, registryErrorOf } from './helpers.js'
import { provisionOptions } from './provision-helpers.js'

const fake = await startAwsFake()
afterAll(() => fake.close())
afterEach(() => vi.unstubAllEnvs())

/** Options a type would refuse, as a JavaScript caller or a spread of a wider object passes them. */
function loose(options: Record<string, unknown>): AwsProviderOptions {
  return options as unknown as AwsProviderOptions
}

describe('aws() options it does not know', () => {
  it('refuses a misspelt replicationRegions with INVALID_CONFIG instead of never replicating grants', async () => {
    const error = await registryErrorOf(
      aws(
        loose({
          ...fake.providerOptions(REGION),
          repositoryPrefix: PREFIX,
          replicationRegion: [REPLICA],
        }),
      ),
    )
    expect(error.code).toBe('INVALID_CONFIG')
    expect(error.issues).toEqual([
      {
        path: 'replicationRegion',
        message: 'is not an option of aws(); did you mean replicationRegions?',
      },
    ])
    expect(error.message).toContain('replicationRegion: is not an option of aws()')
  })

  it('lists every unknown option with the invalid ones, and what aws() takes', async () => {
    const error = await registryErrorOf(
      aws(
        loose({
          region: 'nowhere',
          repositoryPrefix: PREFIX,
          accountId: '123456789012',
          zone: 'a',
        }),
      ),
    )
    expect(error.issues.map((issue) => issue.path)).toEqual(['region', 'zone'])
    expect(error.issues[1]?.message).toMatch(
      /^is not an option of aws\(\); its options are region, repositoryPrefix, .*principalRetry$/,
    )
  })

  it('refuses an unknown field of clientConfig, replicaWait or principalRetry, by path', async () => {
    // A misspelt `credentials` would sign every call with whatever the SDK's default chain finds.
    const { clientConfig } = fake.providerOptions(REGION)
    const { credentials, ...rest } = clientConfig
    const error = await registryErrorOf(
      aws(
        loose({
          ...fake.providerOptions(REGION),
          repositoryPrefix: PREFIX,
          clientConfig: { ...rest, credential: credentials },
          replicaWait: { wait: 1 },
          principalRetry: { delays: [1] },
        }),
      ),
    )
    expect(error.code).toBe('INVALID_CONFIG')
    expect(error.issues).toEqual([
      {
        path: 'clientConfig.credential',
        message: 'is not an option of clientConfig; did you mean credentials?',
      },
      {
        path: 'replicaWait.wait',
        message: 'is not an option of replicaWait; its options are timeoutMs, intervalMs',
      },
      {
        path: 'principalRetry.delays',
        message: 'is not an option of principalRetry; did you mean delaysMs?',
      },
    ])
  })

  it('provisioning refuses an unknown field of clientConfig too, before any call', async () => {
    fake.reset()
    const options = provisionOptions(fake)
    const { credentials, ...rest } = options.clientConfig ?? {}
    const error = await registryErrorOf(
      provision({ ...options, clientConfig: { ...rest, credential: credentials } as never }),
    )
    expect(error.issues).toEqual([
      {
        path: 'clientConfig.credential',
        message: 'is not an option of clientConfig; did you mean credentials?',
      },
    ])
    expect(fake.requests).toEqual([])
  })

  it('refuses an allowUnscopedCredentials that is no boolean, instead of minting registry-wide credentials', async () => {
    // "false" read from an environment variable, 0 or null from a config file: each was truthy or
    // falsy by accident, and "false" turned registry-wide credentials of the base identity on.
    for (const allowUnscopedCredentials of ['false', 'true', 0, 1, null]) {
      fake.reset()
      const error = await registryErrorOf(
        aws(
          loose({
            ...fake.providerOptions(REGION),
            repositoryPrefix: PREFIX,
            accountId: '123456789012',
            allowUnscopedCredentials,
          }),
        ),
      )
      expect(error.code).toBe('INVALID_CONFIG')
      expect(error.issues).toEqual([
        { path: 'allowUnscopedCredentials', message: 'must be true or false' },
      ])
      expect(fake.requests).toEqual([])
    }
  })

  it('accepts every option it documents', async () => {
    await using registry = await aws({
      ...fake.providerOptions(REGION),
      repositoryPrefix: PREFIX,
      accountId: '123456789012',
      pullRoleArn: PULL_ROLE,
      pushRoleArn: PUSH_ROLE,
      replicationRegions: [],
      allowUnscopedCredentials: false,
      registryEndpoint: 'https://registry.example.com',
      replicaWait: { timeoutMs: 300, intervalMs: 5 },
      principalRetry: { delaysMs: [1] },
    })
    expect(registry.registryEndpoint).toBe('https://registry.example.com')
  })

  it('takes every field of an aws binding (fromBinding maps each to an option)', async () => {
    // A binding carries no credentials: the SDK's chain finds them, here in explicit env values.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFROMENV')
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'env-secret')
    vi.stubEnv('AWS_ENDPOINT_URL_STS', fake.url)
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true')
    await using registry = await fromBinding({
      platform: 'aws',
      region: REGION,
      repositoryPrefix: PREFIX,
      pullRoleArn: PULL_ROLE,
      pushRoleArn: PUSH_ROLE,
      replicationRegions: [REPLICA],
      allowUnscopedCredentials: false,
      endpoint: fake.url,
    })
    expect(registry.capabilities.repositoryScopedCredentials).toBe(true)
  })
})
