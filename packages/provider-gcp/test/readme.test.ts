import { startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { expect, it } from 'vitest'
import { gcp } from '../src/index.js'
import { sourceAuth } from './helpers.js'

// The README's Usage section, against the fake: keep the two in step.
it('README usage works as shown', async () => {
  await using fake = await startGcpFake({
    repositories: [{ project: 'acme-prod', location: 'us-central1', repository: 'images' }],
  })
  await using registry = gcp({
    projectId: 'acme-prod',
    location: 'us-central1',
    repository: 'images',
    pullServiceAccount: 'puller@acme-prod.iam.gserviceaccount.com',
    pushServiceAccount: 'pusher@acme-prod.iam.gserviceaccount.com',
    // Test wiring only: the README relies on Application Default Credentials.
    authClient: sourceAuth(),
    clientOptions: { apiEndpoint: fake.host, port: fake.port, protocol: 'http' },
    iamCredentialsEndpoint: fake.url,
  })
  const { name, uri } = await registry.createRepository('my-app')
  const creds = await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 900 })
  expect(name).toBe('acme-prod/images/my-app')
  expect(uri).toBe('us-central1-docker.pkg.dev/acme-prod/images/my-app')
  expect(creds).toMatchObject({
    registry: 'us-central1-docker.pkg.dev',
    username: 'oauth2accesstoken',
  })
  expect(fake.tokens[0]).toMatchObject({
    serviceAccount: 'pusher@acme-prod.iam.gserviceaccount.com',
    lifetimeSeconds: 900,
  })
})
