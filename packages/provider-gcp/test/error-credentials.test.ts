import { isArtifactRegistryError } from '@artifact-registry/core'
import { whereSecretsAre } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { withoutCredentials } from '../src/cause-credentials.js'
import type { GcpProvider } from '../src/index.js'
import { PROJECT, providerFor, provisionGarRepository, rejectionOf, useGcpFake } from './helpers.js'

const fake = await useGcpFake()

describe("a refusal of the token endpoint leaves the provider's credentials out of the error", () => {
  const { repository } = provisionGarRepository(fake)
  const name = `${PROJECT}/${repository}/app`
  // The provider's identity: an authorized user's refresh token and its OAuth client's secret.
  const { authClient } = fake.providerOptions()
  const secrets = [authClient.credentials.refresh_token ?? '', authClient._clientSecret ?? '']

  it('holds neither the refresh token nor the client secret, however deep it is read', async () => {
    expect(secrets.every((s) => s.length > 8)).toBe(true)
    for (const call of [
      (p: GcpProvider) => p.generateCredentials(name, 'pull'),
      (p: GcpProvider) => p.createRepository('app'),
      (p: GcpProvider) => p.getCrossAccountAccess(name),
      (p: GcpProvider) => p.listRepositories(),
    ]) {
      // A new provider has no token yet: its first call asks the token endpoint, which refuses.
      await using provider = await providerFor(fake, repository)
      fake.inject('oauthToken', {
        status: 400,
        body: { error: 'unauthorized_client', error_description: 'Client is unauthorized.' },
      })
      const err = await rejectionOf(call(provider))
      fake.reset()
      expect(isArtifactRegistryError(err, 'PERMISSION_DENIED'), String(err)).toBe(true)
      // The Google error stays the cause, the request in it, but without what proves identity.
      expect((err as Error).cause).toBeDefined()
      expect(whereSecretsAre(err, secrets)).toEqual([])
    }
  })
})

describe('withoutCredentials', () => {
  it('takes the credential fields out of forms and JSON bodies, encoded or not, in every cause', () => {
    const fields = 'refresh_token=r1&client_id=c&subject_token=s1'
    const err = new Error('outer', {
      cause: Object.assign(new Error('gaxios'), {
        config: { data: new URLSearchParams(fields), body: fields },
        response: {
          config: { data: { actor_token: 'a1', scope: 'x' }, body: '{"assertion":"j1"}' },
        },
      }),
    })
    expect(withoutCredentials(err)).toBe(err)
    expect(whereSecretsAre(err, ['r1', 's1', 'a1', 'j1'])).toEqual([])
    // What proves nothing stays, so the cause still says what was asked.
    expect(whereSecretsAre(err, ['client_id=c', 'scope'])).not.toEqual([])
  })
})
