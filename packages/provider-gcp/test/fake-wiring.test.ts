import { gcp } from '@artifact-registry/provider-gcp'
import { startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { expect, it } from 'vitest'

// `providerOptions` is the one way tests point gcp() at the fake: the caller's token, Artifact
// Registry and IAM Credentials all come from it, and Application Default Credentials are never
// looked for. The region below is the GCP example of packages/testing/README.md, word for word.
it("the fake's providerOptions reach its token endpoint, Artifact Registry and IAM Credentials", async () => {
  // #region testing-readme-gcp
  await using fake = await startGcpFake({
    repositories: [{ project: 'acme-prod', location: 'us-central1', repository: 'images' }],
    serviceAccounts: ['puller@acme-prod.iam.gserviceaccount.com'], // the caller may impersonate it
  })
  await using registry = await gcp({
    projectId: 'acme-prod',
    location: 'us-central1',
    repository: 'images',
    pullServiceAccount: 'puller@acme-prod.iam.gserviceaccount.com',
    ...fake.providerOptions(),
  })
  const { name } = await registry.createRepository('my-app')
  const login = await registry.generateCredentials(name, 'pull')
  // fake.tokens: what IAM Credentials issued (login.password is the last one)
  // login.registry: fake.dataPlane.registry, where docker and skopeo log in with it
  // #endregion

  expect(fake.requestsFor('oauthToken')).toHaveLength(1)
  expect(fake.callerTokens).toHaveLength(1)
  const signed = fake.requests.filter((r) => r.operation !== 'oauthToken')
  expect(signed.map((r) => r.operation)).toContain('generateAccessToken')
  for (const request of signed) {
    expect(request.headers.authorization).toBe(`Bearer ${fake.callerTokens[0]}`)
  }
  expect(login.password).toBe(fake.tokens.at(-1)?.accessToken)
  expect(login.registry).toBe(fake.dataPlane.registry)
  expect(fake.tokens.at(-1)?.serviceAccount).toBe('puller@acme-prod.iam.gserviceaccount.com')
})
