import { dataPlaneTests, failingContractTests } from '@artifact-registry/testing'
import type { AzureFake } from '@artifact-registry/testing/fakes/azure'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataPlaneClient } from '../src/data-plane.js'
import type { AzureProvider } from '../src/index.js'
import { fakeDataPlane, fakeProvider, startStrictAzureFake } from './fixtures.js'

// The contract suite's revocation test against a repository-token provider with one defect: its
// deleteRepository leaves the repository's pull token, passwords and all. The token is bound by
// name to the `--pull` scope map, which goes with the repository; the next pull credential of the
// name creates that scope map again and reuses the token, so its old password pulls again. Only a
// test that mints pull credentials on the name created again, before trying the old ones, sees it.

const REVOCATION_TEST =
  'data plane > data plane: deleteRepository revokes its credentials: refused on the name created again'

/** The provider in repository-token mode, whose deleteRepository puts the pull tokens back. */
async function leavingPullTokens(fake: AzureFake): Promise<AzureProvider> {
  const provider = await fakeProvider(fake, { credentials: 'repository-token' })
  const deleteRepository = provider.deleteRepository.bind(provider)
  provider.deleteRepository = async (name) => {
    const before = [...fake.state.tokens].filter(([, token]) => token.name.endsWith('--pull'))
    await deleteRepository(name)
    for (const [key, token] of before) fake.state.tokens.set(key, token)
  }
  return provider
}

describe('the revocation test of the data plane group, in repository-token mode', () => {
  let fake: AzureFake
  beforeAll(async () => {
    fake = await startStrictAzureFake()
  })
  afterAll(() => fake.close())

  it('fails when deleteRepository leaves the pull token, which the name created again revives', async () => {
    const failed = await failingContractTests(expect, (test) =>
      dataPlaneTests({
        test,
        factory: () => leavingPullTokens(fake),
        dataPlane: fakeDataPlane(() => fake),
      }),
    )
    expect(failed).toEqual([REVOCATION_TEST])
  }, 120_000)
})

describe('deleteRepository in repository-token mode, at the fake registry', () => {
  it("refuses the deleted tokens' passwords at once; a bearer token obtained before runs its course", async () => {
    await using fake = await startStrictAzureFake()
    await using registry = await fakeProvider(fake, { credentials: 'repository-token' })
    const { name } = await registry.createRepository('web-app')
    const credentials = await registry.generateCredentials(name, 'push-pull')
    const client = new DataPlaneClient(fake.loginServer, [fake.ca], 5_000)
    try {
      const query = new URLSearchParams({
        service: fake.loginServer,
        scope: `repository:${name}:pull,push`,
      })
      const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString(
        'base64',
      )
      const tokenRequest = () =>
        client.send('GET', `/oauth2/token?${query}`, { authorization: `Basic ${basic}` })
      const issued = await tokenRequest()
      expect(issued.status).toBe(200)
      const bearer = `Bearer ${(issued.body as { access_token: string }).access_token}`

      await registry.deleteRepository(name)
      await registry.createRepository('web-app')

      expect((await tokenRequest()).status).toBe(401)
      // Microsoft does not document that ACR ends it with the token it came from, so the fake
      // does not either: the README tells users to expect it to live until its exp.
      const upload = await client.send('POST', `/v2/${name}/blobs/uploads/`, {
        authorization: bearer,
      })
      expect(upload.status).toBe(202)
    } finally {
      client.close()
    }
  })
})
