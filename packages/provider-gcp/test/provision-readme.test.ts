import { deprovision, provision } from '@artifact-registry/provider-gcp/provision'
import { startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { expect, it } from 'vitest'

// The README's Provisioning example is the region below, word for word
// (tools/test/readme-snippets.test.ts checks it), run through the package's ./provision subpath.
// It relies on Application Default Credentials and Google's endpoints, so it runs in a function
// whose provision and deprovision add the fake's wiring to the options the README passes.

type Provision = typeof provision
type Deprovision = typeof deprovision

async function readmeProvisioning(provision: Provision, deprovision: Deprovision) {
  // #region provision
  const options = {
    projectId: 'acme-prod',
    location: 'us-central1',
    repository: 'images',
    runtimeMember: 'serviceAccount:api@acme-prod.iam.gserviceaccount.com',
    labels: { team: 'platform' },
  }
  const planned = await provision({ ...options, dryRun: true }) // reads only, changes nothing
  const { binding, changes } = await provision(options) // the same changes, made
  // binding: { platform: 'gcp', projectId, location, repository,
  //   pullServiceAccount: 'images-us-central1-pull@acme-prod.iam.gserviceaccount.com', … }
  // → ARTIFACT_REGISTRY_<NAME>_BINDING; run provision again any time: it converges
  await deprovision({ ...options, force: true }) // the GAR repository, its images and both accounts
  // #endregion
  return { planned, binding, changes }
}

it('the README provisioning example runs as written against the fake', async () => {
  await using fake = await startGcpFake({
    serviceAccounts: ['api@acme-prod.iam.gserviceaccount.com'],
  })
  const { authClient, clientOptions } = fake.providerOptions()
  const wiring = { authClient, clientOptions, iamEndpoint: fake.url }
  const { planned, binding, changes } = await readmeProvisioning(
    (options) => provision({ ...options, ...wiring }),
    (options) => deprovision({ ...options, ...wiring }),
  )
  expect(planned.changes).toEqual(changes)
  expect(changes).toHaveLength(7)
  expect(binding).toEqual({
    platform: 'gcp',
    projectId: 'acme-prod',
    location: 'us-central1',
    repository: 'images',
    pullServiceAccount: 'images-us-central1-pull@acme-prod.iam.gserviceaccount.com',
    pushServiceAccount: 'images-us-central1-push@acme-prod.iam.gserviceaccount.com',
  })
  // Deprovisioned: only the runtime's own account is left.
  expect(fake.getRepositories()).toEqual([])
  expect(fake.getServiceAccounts()).toEqual(['api@acme-prod.iam.gserviceaccount.com'])
})
