import { aws } from '@artifact-registry/provider-aws'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, afterEach, expect, it, vi } from 'vitest'
import { stubFakeEnvironment } from './helpers.js'

// The README's Usage block is the region below (tools/test/readme-snippets.test.ts checks that
// they are the same text).

const fake = await startAwsFake()
afterAll(() => fake.close())
afterEach(() => vi.unstubAllEnvs())

it('the README usage example runs as written', async () => {
  // The example has no test wiring: the SDK finds the fake and credentials in the environment.
  stubFakeEnvironment(fake)

  // #region usage
  await using registry = await aws({
    region: 'us-east-1',
    repositoryPrefix: 'acme',
    pullRoleArn: 'arn:aws:iam::123456789012:role/acme-pull',
    pushRoleArn: 'arn:aws:iam::123456789012:role/acme-push',
  })
  const { name } = await registry.createRepository('my-app') // 'acme-my-app'
  const login = await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 900 })
  // docker login --username AWS --password-stdin <login.registry>, fed login.password
  const grant = { accountIds: ['111111111111'], roleArns: [], regions: [], allowedServiceTypes: [] }
  await registry.addCrossAccountAccess(name, { type: 'aws', ...grant })
  // #endregion

  expect(name).toBe('acme-my-app')
  expect(login).toMatchObject({ authMethod: 'basic', username: 'AWS' })
  expect(fake.getPolicy('us-east-1', name)).toContain('arn:aws:iam::111111111111:root')
})
