import { createArtifactRegistry } from '@artifact-registry/core'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { AwsProvider, fromBinding } from '../src/index.js'
import { PULL_ROLE, PUSH_ROLE, REGION } from './helpers.js'

const fake = await startAwsFake()
afterAll(() => fake.close())
afterEach(() => vi.unstubAllEnvs())

/** A binding carries no credentials: the SDK's chain finds them, here in explicit env values. */
function stubAwsEnv(): void {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFROMENV')
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'env-secret')
  vi.stubEnv('AWS_ENDPOINT_URL_STS', fake.url)
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true')
  vi.stubEnv('AWS_MAX_ATTEMPTS', '1')
}

describe('fromBinding', () => {
  it('builds a working provider from an aws binding (endpoint → ECR, STS from the env)', async () => {
    stubAwsEnv()
    await using registry = await fromBinding({
      platform: 'aws',
      region: REGION,
      repositoryPrefix: 'bound',
      pullRoleArn: PULL_ROLE,
      pushRoleArn: PUSH_ROLE,
      endpoint: fake.url,
    })
    expect(registry).toBeInstanceOf(AwsProvider)
    const { name } = await registry.createRepository('app')
    expect(name).toBe('bound-app')
    const credentials = await registry.generateCredentials(name, 'pull')
    expect(credentials.username).toBe('AWS')
    expect(fake.assumedRoles.at(-1)?.roleArn).toBe(PULL_ROLE)
  })

  it('is what createArtifactRegistry loads for platform "aws"', async () => {
    stubAwsEnv()
    await using registry = await createArtifactRegistry({
      platform: 'aws',
      region: REGION,
      repositoryPrefix: 'factory',
      endpoint: fake.url,
    })
    expect(registry.platform).toBe('aws')
    expect(registry.registryEndpoint).toBe(
      `https://${fake.accountId}.dkr.ecr.${REGION}.amazonaws.com`,
    )
    expect((await registry.createRepository('app')).name).toBe('factory-app')
  })
})
