import { inspect } from 'node:util'
import { isArtifactRegistryError } from '@artifact-registry/core'
import { whereSecretsAre } from '@artifact-registry/test-kit'
import { FAKE_AZURE, startAzureFake } from '@artifact-registry/testing/fakes/azure'
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth'
import { describe, expect, it } from 'vitest'
import { type AzureProviderOptions, azure } from '../src/index.js'

// ARM's SDK keeps the request it sent on each error it throws (RestError's hidden `request`, and
// its `response.request`), headers and all: the Entra ID token of the provider's identity, which
// opens ARM as that identity (tokens, scope maps, role assignments) until it expires.

/** The provider's credential, remembering every token it hands out. */
class RecordingCredential implements TokenCredential {
  readonly tokens: string[] = []
  constructor(private readonly inner: TokenCredential) {}

  async getToken(
    scopes: string | string[],
    options?: GetTokenOptions,
  ): Promise<AccessToken | null> {
    const token = await this.inner.getToken(scopes, options)
    if (token !== null) this.tokens.push(token.token)
    return token
  }
}

describe("a refusal of ARM leaves the provider's token out of the error", () => {
  it.each([
    ['repository-token', 'registries.generateCredentials'],
    ['repository-token', 'tokens.get'],
    ['exchange', 'scopeMaps.get'],
  ] as const)('%s mode, %s refused: no token, however deep it is read', async (mode, operation) => {
    await using fake = await startAzureFake()
    const options = fake.providerOptions()
    const credential = new RecordingCredential(options.credential)
    const overrides: Partial<AzureProviderOptions> =
      mode === 'exchange' ? {} : { credentials: 'repository-token' }
    await using registry = await azure({ ...options, credential, pollIntervalMs: 1, ...overrides })
    const { name } = await registry.createRepository('app')
    fake.inject(operation, {
      status: 403,
      body: { error: { code: 'AuthorizationFailed', message: 'not allowed' } },
    })
    const err = await registry.generateCredentials(name, 'pull').then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isArtifactRegistryError(err, 'PERMISSION_DENIED'), String(err)).toBe(true)
    // ARM's error stays the cause, with its status and code, for whoever debugs the refusal.
    expect((err as Error).cause).toMatchObject({ statusCode: 403, code: 'AuthorizationFailed' })
    const secrets = [...credential.tokens, FAKE_AZURE.clientSecret]
    expect(credential.tokens.length).toBeGreaterThan(0)
    expect(whereSecretsAre(err, secrets)).toEqual([])
    const printed = inspect(err, { depth: Infinity, showHidden: true })
    expect(secrets.filter((s) => printed.includes(s))).toEqual([])
  })
})
