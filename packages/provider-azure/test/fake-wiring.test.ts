import { azure } from '@artifact-registry/provider-azure'
import { startAzureFake } from '@artifact-registry/testing/fakes/azure'
import { expect, it } from 'vitest'

// `providerOptions` is the one way tests point azure() at the fake: Entra ID, ARM and the
// registry's data plane are all the fake, over TLS that trusts only its test certificate. The
// region below is the Azure example of packages/testing/README.md, word for word.
it("the fake's providerOptions reach its Entra ID, ARM and data plane", async () => {
  // #region testing-readme-azure
  await using fake = await startAzureFake()
  await using registry = await azure({ repositoryPrefix: 'team-a', ...fake.providerOptions() })
  const { name } = await registry.createRepository('my-app')
  const login = await registry.generateCredentials(name, 'pull')
  // fake.getScopeMaps(): the scope map that limits login to team-a/my-app
  // #endregion

  expect(fake.requestsFor('entra.token').length).toBeGreaterThan(0)
  expect(fake.requestsFor('scopeMaps.create')).toHaveLength(1)
  expect(fake.requestsFor('acr.exchange')).toHaveLength(1)
  expect(fake.requests.map((r) => r.operation)).not.toContain('unknown')
  expect(login.registry).toBe(fake.loginServer)
  expect(fake.decodeToken(login.password)?.access).toEqual([
    { type: 'repository', name: 'team-a/my-app', actions: ['pull', 'metadata_read'] },
  ])
})
