import { FAKE_AZURE } from '@artifact-registry/testing/fakes/azure'
import { describe, expect, it } from 'vitest'
import { fakeCredential, fakeProvider, rejectionOf, startStrictAzureFake } from './fixtures.js'

function formOf(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body))
}

describe('generateCredentials: AAD → ACR token exchange', () => {
  it('posts the exchange and token forms with the repository scope', async () => {
    await using fake = await startStrictAzureFake()
    const registry = await fakeProvider(fake, { tenantId: FAKE_AZURE.tenantId })
    const { name } = await registry.createRepository('web')
    await registry.generateCredentials(name, 'pull')
    await registry.generateCredentials(name, 'push-pull')

    const [exchange] = fake.requestsFor('acr.exchange')
    const form = formOf(exchange?.body ?? '')
    expect(form).toEqual({
      grant_type: 'access_token',
      service: fake.loginServer,
      access_token: expect.any(String),
      tenant: FAKE_AZURE.tenantId,
    })
    expect(exchange?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    // The exchanged token is an Entra ID token for ACR's own audience, never ARM's (which this
    // fake, like a registry under the built-in policy, refuses).
    expect(fake.state.aadTokens.get(form.access_token ?? '')?.aud).toBe(
      'https://containerregistry.azure.net',
    )

    const tokenForms = fake.requestsFor('acr.token').map((r) => formOf(r.body))
    const refresh = fake.state.refreshTokens.keys().next().value
    expect(tokenForms).toEqual([
      {
        grant_type: 'refresh_token',
        service: fake.loginServer,
        scope: `repository:${name}:pull`,
        refresh_token: refresh,
      },
      {
        grant_type: 'refresh_token',
        service: fake.loginServer,
        scope: `repository:${name}:pull,push,delete`,
        refresh_token: refresh,
      },
    ])
    // The refresh token is reused until it nears its expiry: one exchange for two credentials.
    expect(fake.requestsFor('acr.exchange')).toHaveLength(1)
  })

  it('returns Basic credentials, the null GUID and a token for exactly the repository and actions', async () => {
    await using fake = await startStrictAzureFake()
    const registry = await fakeProvider(fake, { repositoryPrefix: 'team-a' })
    const { name } = await registry.createRepository('api')
    for (const [permission, actions] of [
      // A pull reads metadata (lists tags) too, as ACR grants it to a role that pulls.
      ['pull', ['pull', 'metadata_read']],
      ['push-pull', ['pull', 'push', 'delete', 'metadata_read']],
    ] as const) {
      const credentials = await registry.generateCredentials(name, permission)
      expect(credentials).toMatchObject({
        authMethod: 'basic',
        username: '00000000-0000-0000-0000-000000000000',
        registry: fake.loginServer,
      })
      expect(fake.decodeToken(credentials.password)?.access).toEqual([
        { type: 'repository', name, actions },
      ])
    }
  })

  it('takes expiresAt from the token exp, whatever TTL was asked for', async () => {
    await using fake = await startStrictAzureFake({ accessTokenLifetimeSeconds: 123 })
    const registry = await fakeProvider(fake)
    const { name } = await registry.createRepository('short-lived')
    for (const ttlSeconds of [undefined, 60, 3600]) {
      const credentials = await registry.generateCredentials(name, 'pull', { ttlSeconds })
      const exp = fake.decodeToken(credentials.password)?.exp
      expect(credentials.expiresAt?.getTime()).toBe((exp ?? 0) * 1000)
      expect((credentials.expiresAt?.getTime() ?? 0) - Date.now()).toBeLessThanOrEqual(123_000)
    }
  })

  it('refuses a credential the identity cannot use (ACR dropped push): PERMISSION_DENIED', async () => {
    await using fake = await startStrictAzureFake({
      identities: [{ ...FAKE_AZURE, registryActions: ['pull', 'delete'] }],
    })
    const registry = await fakeProvider(fake)
    const { name } = await registry.createRepository('pull-only')
    await expect(registry.generateCredentials(name, 'pull')).resolves.toMatchObject({
      authMethod: 'basic',
    })
    const denied = await rejectionOf(registry.generateCredentials(name, 'push-pull'))
    expect(denied).toMatchObject({ code: 'PERMISSION_DENIED', platform: 'azure' })
    expect(denied.message).toMatch(/AcrPush/)
  })

  it('needs a repository that was created: NOT_FOUND otherwise, and no token is minted', async () => {
    await using fake = await startStrictAzureFake()
    const registry = await fakeProvider(fake)
    await expect(registry.generateCredentials('never-created', 'pull')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    expect(fake.requestsFor('acr.token')).toHaveLength(0)
  })

  it('maps a wrong client secret to UNAUTHENTICATED', async () => {
    await using fake = await startStrictAzureFake()
    const registry = await fakeProvider(fake, { credential: fakeCredential(fake, 'wrong-secret') })
    await expect(registry.createRepository('any-app')).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    })
  })

  it('never puts a token in an error message', async () => {
    await using fake = await startStrictAzureFake()
    const registry = await fakeProvider(fake, { maxRetries: 0 })
    const { name } = await registry.createRepository('secretive')
    const refresh = [...fake.state.refreshTokens.keys()]
    // A registry that echoes what it got, tokens included, in its error message.
    fake.inject('acr.token', {
      status: 400,
      body: {
        errors: [
          {
            code: 'DENIED',
            message: `bad refresh_token=${refresh[0] ?? 'x'} for eyJhbGciOi.eyJzdWIiOi.c2ln`,
          },
        ],
      },
    })
    const err = await rejectionOf(registry.generateCredentials(name, 'pull'))
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(err.message).not.toMatch(/eyJ/)
    expect(err.message).toContain('<redacted>')
    for (const token of [...fake.state.aadTokens.keys(), ...fake.state.refreshTokens.keys()]) {
      expect(err.message).not.toContain(token)
    }
  })
})
