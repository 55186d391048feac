import { gcp } from '@artifact-registry/provider-gcp'
import { startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { expect, it } from 'vitest'

// The README's Usage block is the region below, word for word (tools/test/readme-snippets.test.ts
// checks it). It relies on Application Default Credentials and Google's endpoints, so it runs in
// a function whose `gcp` adds the fake's wiring to the options the README passes.

type GcpFactory = typeof gcp

async function readmeUsage(gcp: GcpFactory) {
  // #region usage
  await using registry = await gcp({
    projectId: 'acme-prod',
    location: 'us-central1',
    repository: 'images',
    pullServiceAccount: 'puller@acme-prod.iam.gserviceaccount.com',
    pushServiceAccount: 'pusher@acme-prod.iam.gserviceaccount.com',
  })
  const { name, uri } = await registry.createRepository('my-app') // acme-prod/images/my-app
  const creds = await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 900 })
  // docker login us-central1-docker.pkg.dev -u oauth2accesstoken --password-stdin, fed creds.password
  // docker push ${uri}:tag
  // #endregion
  return { name, uri, creds }
}

it('the README usage example runs as written against the fake', async () => {
  await using fake = await startGcpFake({
    repositories: [{ project: 'acme-prod', location: 'us-central1', repository: 'images' }],
    serviceAccounts: [
      'puller@acme-prod.iam.gserviceaccount.com',
      'pusher@acme-prod.iam.gserviceaccount.com',
    ],
  })
  const { name, uri, creds } = await readmeUsage((options) =>
    gcp({ ...options, ...fake.providerOptions() }),
  )
  expect(name).toBe('acme-prod/images/my-app')
  // The fake's data plane stands in for us-central1-docker.pkg.dev.
  expect(uri).toBe(`${fake.dataPlane.registry}/acme-prod/images/my-app`)
  expect(creds).toMatchObject({
    registry: fake.dataPlane.registry,
    username: 'oauth2accesstoken',
  })
  expect(fake.tokens[0]).toMatchObject({
    serviceAccount: 'pusher@acme-prod.iam.gserviceaccount.com',
    lifetimeSeconds: 900,
  })
})
