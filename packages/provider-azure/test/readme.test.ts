import { azure } from '@artifact-registry/provider-azure'
import { startAzureFake } from '@artifact-registry/testing/fakes/azure'
import type { DefaultAzureCredential } from '@azure/identity'
import { expect, it } from 'vitest'
import { readTokenClaims } from '../src/jwt.js'
import { fakeDefaultCredentialClass, startStrictAzureFake } from './fixtures.js'

// The README's blocks are the regions below, word for word (tools/test/readme-snippets.test.ts
// checks them). The Usage block relies on DefaultAzureCredential and Azure's endpoints, so it runs
// in a function whose `azure` and `DefaultAzureCredential` add the fake's wiring.

const README_REGISTRY = {
  name: 'acmeregistry',
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'rg-artifacts',
}

type AzureFactory = typeof azure
/** A class that builds a credential the way `DefaultAzureCredential` does (no arguments). */
type CredentialClass = new () => Pick<DefaultAzureCredential, 'getToken'>

async function readmeUsage(azure: AzureFactory, DefaultAzureCredential: CredentialClass) {
  // #region usage
  await using registry = await azure({
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    resourceGroup: 'rg-artifacts',
    registryName: 'acmeregistry',
    repositoryPrefix: 'team-a',
    credential: new DefaultAzureCredential(),
  })
  const { name, uri } = await registry.createRepository('web-app') // 'team-a/web-app'
  const creds = await registry.generateCredentials(name, 'push-pull')
  // creds: Basic, username 00000000-0000-0000-0000-000000000000, an ACR token for team-a/web-app
  // #endregion
  return { name, uri, creds }
}

it('the README usage example runs as written against the fake', async () => {
  await using fake = await startStrictAzureFake({ registries: [README_REGISTRY] })
  // The fake's endpoints and CA; the README's own registry and credential win.
  const wired: AzureFactory = (options) =>
    azure({ ...fake.providerOptions(README_REGISTRY.name), ...options, pollIntervalMs: 1 })
  const { name, uri, creds } = await readmeUsage(wired, fakeDefaultCredentialClass(fake))

  expect(name).toBe('team-a/web-app')
  expect(uri).toBe(`${fake.loginServer}/team-a/web-app`)
  expect(creds).toMatchObject({
    authMethod: 'basic',
    username: '00000000-0000-0000-0000-000000000000',
    registry: fake.loginServer,
  })
  expect(readTokenClaims(creds.password, 'access token').access).toEqual([
    {
      type: 'repository',
      name: 'team-a/web-app',
      actions: ['pull', 'push', 'delete', 'metadata_read'],
    },
  ])
})

it('the README testing example wires the provider to the fake', async () => {
  // #region testing
  await using fake = await startAzureFake()
  await using registry = await azure({ ...fake.providerOptions(), pollIntervalMs: 1 })
  const { name } = await registry.createRepository('web-app')
  // #endregion

  expect(name).toBe('web-app')
  expect(fake.getScopeMaps().map((map) => map.name)).toContain('web-app')
})
