import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import { type AzureFake, startAzureFake } from '@artifact-registry/testing/fakes/azure'
import { afterEach, describe, expect, it } from 'vitest'
import { DataPlaneClient } from '../src/data-plane.js'
import type { AzureProvider } from '../src/index.js'
import { fakeProvider } from './fixtures.js'

// Two registries of one fake are two ACR registries: each has its own login server, images,
// tokens and passwords, so nothing done with one reaches the other, even under the same names.

let fake: AzureFake
const providers: AzureProvider[] = []
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.close()))
  await fake?.close()
})

async function twoRegistries(): Promise<[AzureProvider, AzureProvider]> {
  fake = await startAzureFake({
    registries: [{ name: 'firstregistry' }, { name: 'otherregistry' }],
  })
  const options = { credentials: 'repository-token' as const }
  const first = await fakeProvider(fake, options)
  const other = await fakeProvider(fake, { ...fake.providerOptions('otherregistry'), ...options })
  providers.push(first, other)
  return [first, other]
}

/** The status `/oauth2/token` of `loginServer` answers `credentials` asking to pull `repository`. */
async function tokenStatus(
  loginServer: string,
  credentials: ArtifactRegistryCredentials,
  repository: string,
): Promise<number> {
  const client = new DataPlaneClient(loginServer, [fake.ca], 5_000)
  try {
    const query = new URLSearchParams({
      service: loginServer,
      scope: `repository:${repository}:pull`,
    })
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
    const answer = await client.send('GET', `/oauth2/token?${query}`, {
      authorization: `Basic ${basic}`,
    })
    return answer.status
  } finally {
    client.close()
  }
}

describe('two registries of one fake', () => {
  it('have their own login servers, and a token logs in at its own registry only', async () => {
    const [first, other] = await twoRegistries()
    const firstServer = fake.providerOptions().loginServer
    const otherServer = fake.providerOptions('otherregistry').loginServer
    expect(otherServer).not.toBe(firstServer)
    await first.createRepository('web-app')
    await other.createRepository('web-app')
    // The same repository name gives both tokens the same name, each in its own registry.
    const fromOther = await other.generateCredentials('web-app', 'pull')
    const fromFirst = await first.generateCredentials('web-app', 'pull')
    expect(fromOther.username).toBe(fromFirst.username)
    expect(fromOther.registry).toBe(otherServer)
    expect(await tokenStatus(otherServer, fromOther, 'web-app')).toBe(200)
    expect(await tokenStatus(firstServer, fromOther, 'web-app')).toBe(401)
    expect(await tokenStatus(otherServer, fromFirst, 'web-app')).toBe(401)
  })

  it('keep their images apart: deleting a repository in one leaves the other’s', async () => {
    const [, other] = await twoRegistries()
    await fake.seedImage('web-app', 'v1')
    await other.createRepository('web-app')
    await other.deleteRepository('web-app')
    expect((await fake.getRepositoryContent('web-app'))?.tags).toEqual(['v1'])
  })
})
