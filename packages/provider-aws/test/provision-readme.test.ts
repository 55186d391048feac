import { provision } from '@artifact-registry/provider-aws/provision'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, afterEach, expect, it, vi } from 'vitest'
import { stubFakeEnvironment } from './helpers.js'

// The README's Provisioning example is the region below (tools/test/readme-snippets.test.ts
// checks that they are the same text). It runs through the package's ./provision subpath, with
// no test wiring: the SDK finds the fake through AWS_ENDPOINT_URL_IAM and its siblings.

const fake = await startAwsFake({ principals: ['arn:aws:iam::123456789012:role/app-runtime'] })
afterAll(() => fake.close())
afterEach(() => vi.unstubAllEnvs())

it('the README provisioning example runs as written, the endpoints from AWS_ENDPOINT_URL_*', async () => {
  stubFakeEnvironment(fake)

  // #region provision
  const { binding, changes, runtimePolicy } = await provision({
    name: 'acme',
    region: 'us-east-1',
    trustedPrincipals: ['arn:aws:iam::123456789012:role/app-runtime'],
    tags: { team: 'platform' },
  })
  // binding: { platform: 'aws', region, repositoryPrefix: 'acme', pullRoleArn, pushRoleArn }
  // → ARTIFACT_REGISTRY_<NAME>_BINDING; attach runtimePolicy to app-runtime
  const created = changes.filter((change) => change.action === 'create').length // 4 the first time
  // #endregion

  expect(binding).toEqual({
    platform: 'aws',
    region: 'us-east-1',
    repositoryPrefix: 'acme',
    pullRoleArn: 'arn:aws:iam::123456789012:role/acme-pull',
    pushRoleArn: 'arn:aws:iam::123456789012:role/acme-push',
  })
  expect(created).toBe(4)
  expect(runtimePolicy.Statement).toHaveLength(3)
  expect(fake.getRole('acme-push')?.tags).toEqual({
    team: 'platform',
    'artifact-registry:repository-prefix': 'acme',
  })
  // Every call went to the fake, IAM's included: nothing reached AWS.
  expect(fake.requestsFor('CreateRole')).toHaveLength(2)
})
