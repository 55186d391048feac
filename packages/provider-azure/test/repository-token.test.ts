import { type ArtifactRegistryCredentials, TTL_RULES } from '@artifact-registry/core'
import {
  type AzureFake,
  FAKE_AZURE,
  type FakeToken,
  startAzureFake,
} from '@artifact-registry/testing/fakes/azure'
import { afterEach, describe, expect, it } from 'vitest'
import {
  AZURE_CAPABILITIES,
  AZURE_REPOSITORY_TOKEN_CAPABILITIES,
  type AzureProvider,
  azure,
  fromBinding,
} from '../src/index.js'
import { actionsGranted, FakeClock, fakeProvider, rejectionOf } from './fixtures.js'

// The repository-token mode against the Azure fake: ACR tokens bound to scope maps, passwords
// with an exact expiry, used at the fake's /oauth2/token the way docker and skopeo use them.

let fake: AzureFake
let registry: AzureProvider
afterEach(async () => {
  await registry?.close()
  await fake?.close()
})

async function start(
  options: Parameters<typeof startAzureFake>[0] = {},
  overrides: Parameters<typeof fakeProvider>[1] = {},
): Promise<AzureProvider> {
  fake = await startAzureFake(options)
  registry = await fakeProvider(fake, { credentials: 'repository-token', ...overrides })
  return registry
}

/** The actions ACR grants `credentials` on `repository` when asked for everything. */
function grantedActions(
  credentials: ArtifactRegistryCredentials,
  repository?: string,
): Promise<string[] | number> {
  return actionsGranted(fake, credentials, repository)
}

/**
 * What ACR grants pull and push-pull tokens when asked for everything: each of the scope-map
 * actions the provider gives them (content/read, metadata/read; and content/write,
 * content/delete, metadata/write), so a provider that drops one fails here.
 */
const PULL = ['pull', 'metadata_read']
const PUSH_PULL = ['pull', 'push', 'delete', 'metadata_read', 'metadata_write']

function tokenNamed(name: string): FakeToken {
  const token = fake.getTokens().find((t) => t.name === name)
  if (token === undefined) throw new Error(`no token ${name}`)
  return token
}

describe('credentials option', () => {
  const required = {
    subscriptionId: FAKE_AZURE.subscriptionId,
    resourceGroup: FAKE_AZURE.resourceGroup,
    registryName: 'acmeregistry',
    credential: { getToken: async () => null },
  }

  it('defaults to aad-exchange and gives each mode its own capabilities', async () => {
    expect((await azure(required)).capabilities).toBe(AZURE_CAPABILITIES)
    const tokens = await azure({ ...required, credentials: 'repository-token' })
    expect(tokens.capabilities).toBe(AZURE_REPOSITORY_TOKEN_CAPABILITIES)
    expect(tokens.capabilities).toEqual({
      ...AZURE_CAPABILITIES,
      credentialAuthMethod: 'basic',
      credentialTtl: TTL_RULES['azure-repository-token'],
      revokesCredentialsOnDelete: true,
    })
    expect(tokens.capabilities.credentialTtl).toMatchObject({
      minSeconds: 60,
      maxSeconds: 7 * 24 * 3600,
      honoursRequest: true,
    })
  })

  it('is validated with the other options: INVALID_CONFIG naming it', async () => {
    const err = await rejectionOf(
      azure({ ...required, credentials: 'admin-user' as 'aad-exchange', pollIntervalMs: -1 }),
    )
    expect(err).toMatchObject({ code: 'INVALID_CONFIG', platform: 'azure' })
    const issues = (err as unknown as { issues: { path: string; message: string }[] }).issues
    expect(issues).toEqual([
      { path: 'credentials', message: "must be 'aad-exchange' or 'repository-token'" },
      { path: 'pollIntervalMs', message: expect.any(String) },
    ])
  })

  it('comes from the binding', async () => {
    const binding = {
      platform: 'azure' as const,
      subscriptionId: FAKE_AZURE.subscriptionId,
      resourceGroup: FAKE_AZURE.resourceGroup,
      registryName: 'acmeregistry',
    }
    expect((await fromBinding(binding)).capabilities).toBe(AZURE_CAPABILITIES)
    const tokens = await fromBinding({ ...binding, credentials: 'repository-token' })
    expect(tokens.capabilities).toBe(AZURE_REPOSITORY_TOKEN_CAPABILITIES)
  })
})

describe('repository-token mode', () => {
  it('gives Basic credentials (token name, new password) expiring exactly at the TTL', async () => {
    const clock = new FakeClock(Date.UTC(2031, 5, 1))
    await start({}, { clock })
    const { name } = await registry.createRepository('web-app')
    const credentials = await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 900 })
    expect(credentials).toEqual({
      authMethod: 'basic',
      registry: fake.loginServer,
      username: 'web-app--push',
      password: expect.any(String),
      expiresAt: new Date(Date.UTC(2031, 5, 1) + 900_000),
    })
    const token = tokenNamed('web-app--push')
    expect(token.passwords).toEqual([
      expect.objectContaining({ name: 'password1', expiry: credentials.expiresAt }),
    ])
    expect(token.passwords[0]?.value).toBe(credentials.password)
  })

  it('clamps the TTL to the rule and refuses a bad one before any ARM write', async () => {
    const clock = new FakeClock(Date.UTC(2031, 5, 1))
    await start({}, { clock })
    const { name } = await registry.createRepository('web-app')
    const short = await registry.generateCredentials(name, 'pull', { ttlSeconds: 5 })
    expect(short.expiresAt).toEqual(new Date(clock.time + 60_000))
    const long = await registry.generateCredentials(name, 'pull', { ttlSeconds: 30 * 86_400 })
    expect(long.expiresAt).toEqual(new Date(clock.time + 7 * 86_400_000))
    const writes = fake.requests.length
    await expect(
      registry.generateCredentials(name, 'pull', { ttlSeconds: 0 }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(fake.requests).toHaveLength(writes)
  })

  it('binds pull tokens to a read-only scope map, push-pull ones to the repository’s', async () => {
    await start()
    const { name } = await registry.createRepository('web-app')
    const pull = await registry.generateCredentials(name, 'pull')
    const push = await registry.generateCredentials(name, 'push-pull')
    expect(await grantedActions(pull)).toEqual(PULL)
    expect(await grantedActions(push)).toEqual(PUSH_PULL)
    expect(await grantedActions(push, 'other')).toEqual([])
    const maps = Object.fromEntries(fake.getScopeMaps().map((m) => [m.name, m]))
    expect(maps['web-app--pull']?.actions).toEqual([
      'repositories/web-app/content/read',
      'repositories/web-app/metadata/read',
    ])
    expect(tokenNamed('web-app--pull').scopeMapId).toBe(maps['web-app--pull']?.id)
    expect(tokenNamed('web-app--push').scopeMapId).toBe(maps['web-app']?.id)
  })

  it('names tokens of any routable name validly, and apart from every scope-map name', async () => {
    await start({}, { repositoryPrefix: 'team-a' })
    const { name } = await registry.createRepository('a-rather-long-service-name-that-goes-on')
    await registry.generateCredentials(name, 'pull')
    await registry.generateCredentials(name, 'push-pull')
    const names = fake.getTokens().map((t) => t.name)
    expect(names).toHaveLength(2)
    for (const token of names) expect(token).toMatch(/^[A-Za-z0-9-]{5,50}$/)
    expect(names.map((n) => n.slice(-6)).sort()).toEqual(['--pull', '--push'])
    // A repository's own scope-map name never holds "--", so no repository can take these.
    const scopeMaps = fake.getScopeMaps().map((m) => m.name)
    expect(scopeMaps.filter((n) => !n.includes('--'))).toHaveLength(1)
  })

  it('reuses the token: two credentials live at once, a third revokes the one expiring first', async () => {
    await start()
    const { name } = await registry.createRepository('web-app')
    const first = await registry.generateCredentials(name, 'pull', { ttlSeconds: 600 })
    const second = await registry.generateCredentials(name, 'pull', { ttlSeconds: 1200 })
    expect(await grantedActions(first)).toEqual(PULL)
    expect(await grantedActions(second)).toEqual(PULL)
    const third = await registry.generateCredentials(name, 'pull', { ttlSeconds: 900 })
    expect(fake.getTokens()).toHaveLength(1)
    expect(await grantedActions(first)).toBe(401)
    expect(await grantedActions(second)).toEqual(PULL)
    expect(await grantedActions(third)).toEqual(PULL)
  })

  it('never gives two concurrent calls the same slot', async () => {
    await start()
    const { name } = await registry.createRepository('web-app')
    const both = await Promise.all([
      registry.generateCredentials(name, 'push-pull'),
      registry.generateCredentials(name, 'push-pull'),
    ])
    expect(new Set(both.map((c) => c.password)).size).toBe(2)
    for (const credentials of both) {
      expect(await grantedActions(credentials)).toEqual(PUSH_PULL)
    }
  })

  it('never gives two provider instances of one registry the same slot', async () => {
    await start()
    // A library's provider and the application's own, in one process, for the same binding.
    const other = await fakeProvider(fake, { credentials: 'repository-token' })
    try {
      const { name } = await registry.createRepository('web-app')
      const both = await Promise.all([
        registry.generateCredentials(name, 'push-pull'),
        other.generateCredentials(name, 'push-pull'),
      ])
      expect(new Set(both.map((c) => c.password)).size).toBe(2)
      for (const credentials of both) {
        expect(await grantedActions(credentials)).toEqual(PUSH_PULL)
      }
    } finally {
      await other.close()
    }
  })

  it('takes an expired slot first, and leaves the repository’s other token (expired) alone', async () => {
    await start()
    const { name } = await registry.createRepository('web-app')
    const pull = await registry.generateCredentials(name, 'pull', { ttlSeconds: 60 })
    const push = await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 60 })
    await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 3600 })
    fake.advanceClock(61)
    expect(await grantedActions(pull)).toBe(401)
    await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 3600 })
    // The pull token holds only an expired password, and stays: only the quota sweep deletes it
    // (docs/cloud-calls.md#the-other-permissions-token). The push token's expired password1 was
    // replaced; its live password2 stays.
    expect(
      fake
        .getTokens()
        .map((t) => t.name)
        .sort(),
    ).toEqual(['web-app--pull', 'web-app--push'])
    const slots = tokenNamed('web-app--push').passwords.map((p) => p.value)
    expect(slots).not.toContain(push.password)
    expect(slots).toHaveLength(2)
  })

  it('deleteRepository deletes its tokens and scope maps, and leaves others', async () => {
    await start()
    const { name } = await registry.createRepository('web-app')
    const { name: other } = await registry.createRepository('other-app')
    await registry.generateCredentials(name, 'pull')
    await registry.generateCredentials(name, 'push-pull')
    const kept = await registry.generateCredentials(other, 'pull')
    await registry.deleteRepository(name)
    expect(fake.getTokens().map((t) => t.name)).toEqual(['other-app--pull'])
    expect(
      fake
        .getScopeMaps()
        .map((m) => m.name)
        .sort(),
    ).toEqual(['other-app', 'other-app--pull'])
    expect(await grantedActions(kept, 'other-app')).toEqual(PULL)
  })

  it('deleteRepository revokes its tokens even when its scope map was made someone else’s', async () => {
    await start()
    const { name } = await registry.createRepository('web-app')
    const pull = await registry.generateCredentials(name, 'pull')
    const push = await registry.generateCredentials(name, 'push-pull')
    // Rewritten by hand to another repository's: no longer the repository's own scope map.
    const map = fake.getScopeMaps().find((m) => m.name === 'web-app')
    if (map === undefined) throw new Error('scope map missing')
    map.actions = ['repositories/other-app/content/read']
    await registry.deleteRepository(name)
    // The tokens and the pull scope map were ours: a delete that reports success revoked them.
    expect(await grantedActions(pull)).toBe(401)
    expect(await grantedActions(push, 'other-app')).toBe(401)
    expect(fake.getTokens()).toEqual([])
    // The scope map that is not ours is left alone.
    expect(fake.getScopeMaps().map((m) => m.name)).toEqual(['web-app'])
  })

  it('refuses a disabled token (PERMISSION_DENIED) and one bound elsewhere (CONFLICT)', async () => {
    await start()
    const { name } = await registry.createRepository('web-app')
    await registry.generateCredentials(name, 'pull')
    tokenNamed('web-app--pull').status = 'disabled'
    const disabled = await rejectionOf(registry.generateCredentials(name, 'pull'))
    expect(disabled).toMatchObject({ code: 'PERMISSION_DENIED', platform: 'azure' })
    expect(disabled.message).toMatch(/disabled/)
    const token = tokenNamed('web-app--pull')
    token.status = 'enabled'
    token.scopeMapId = token.scopeMapId.replace('web-app--pull', 'web-app')
    expect(await rejectionOf(registry.generateCredentials(name, 'pull'))).toMatchObject({
      code: 'CONFLICT',
    })
  })

  // The token's scope map is matched by its whole name: one whose name merely starts with ours
  // is another repository's, and a password of that token would reach that repository.
  it('refuses (CONFLICT) a token of our name bound to a scope map whose name only starts with ours', async () => {
    await start()
    const { name } = await registry.createRepository('web-app')
    await registry.createRepository('web-app-two')
    await registry.generateCredentials(name, 'push-pull')
    const token = tokenNamed('web-app--push')
    token.scopeMapId = `${token.scopeMapId}-two`
    expect(await rejectionOf(registry.generateCredentials(name, 'push-pull'))).toMatchObject({
      code: 'CONFLICT',
      platform: 'azure',
    })
  })

  it('brings an older repository’s scope map up to push-pull before binding a token to it', async () => {
    await start()
    const { name } = await registry.createRepository('web-app')
    const map = fake.getScopeMaps()[0]
    if (map === undefined) throw new Error('no scope map')
    map.actions = map.actions.filter((a) => !a.endsWith('/content/delete'))
    const push = await registry.generateCredentials(name, 'push-pull')
    expect(await grantedActions(push)).toEqual(PUSH_PULL)
  })

  it('never lets push-pull credentials reach another repository through an edited scope map', async () => {
    await start()
    const { name } = await registry.createRepository('web-app')
    await registry.createRepository('other-app')
    const map = fake.getScopeMaps().find((m) => m.name === 'web-app')
    if (map === undefined) throw new Error('no scope map')
    map.actions = [...map.actions, 'repositories/other-app/content/write']
    const push = await registry.generateCredentials(name, 'push-pull')
    expect(await grantedActions(push, 'other-app')).toEqual([])
    expect(await grantedActions(push)).toEqual(PUSH_PULL)
  })

  it('never lets pull credentials reach another repository through an edited pull scope map', async () => {
    await start()
    const { name } = await registry.createRepository('web-app')
    await registry.createRepository('other-app')
    await registry.generateCredentials(name, 'pull')
    const map = fake.getScopeMaps().find((m) => m.name === 'web-app--pull')
    if (map === undefined) throw new Error('no pull scope map')
    map.actions = [...map.actions, 'repositories/web-app/other-app/content/read']
    const pull = await registry.generateCredentials(name, 'pull')
    expect(await grantedActions(pull, 'web-app/other-app')).toEqual([])
    expect(await grantedActions(pull)).toEqual(PULL)
  })

  it('refuses, as not ours, a pull scope map of our name that reads only a repository below ours', async () => {
    await start()
    const { name } = await registry.createRepository('web-app')
    await registry.generateCredentials(name, 'pull')
    // Someone else's scope map of the same name, for their repository web-app/team.
    const map = fake.getScopeMaps().find((m) => m.name === 'web-app--pull')
    if (map === undefined) throw new Error('no pull scope map')
    map.actions = [
      'repositories/web-app/team/content/read',
      'repositories/web-app/team/metadata/read',
    ]
    const creates = fake.requestsFor('scopeMaps.create').length
    expect(await rejectionOf(registry.generateCredentials(name, 'pull'))).toMatchObject({
      code: 'CONFLICT',
      platform: 'azure',
    })
    // Rewritten as ours, its tokens would have pulled web-app.
    expect(fake.requestsFor('scopeMaps.create')).toHaveLength(creates)
    expect(map.actions).toEqual([
      'repositories/web-app/team/content/read',
      'repositories/web-app/team/metadata/read',
    ])
  })

  it('serializes a repository’s issues: a pull issue never deletes the push token in use', async () => {
    await start()
    const { name } = await registry.createRepository('web-app')
    await registry.generateCredentials(name, 'pull', { ttlSeconds: 3600 })
    await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 60 })
    fake.advanceClock(61)
    // Unserialized, the pull issue finds the push token expired and deletes it while the push
    // issue, which had read it, generates its password.
    const [pull, push] = await Promise.all([
      registry.generateCredentials(name, 'pull'),
      registry.generateCredentials(name, 'push-pull'),
    ])
    expect(await grantedActions(pull)).toEqual(PULL)
    expect(await grantedActions(push)).toEqual(PUSH_PULL)
  })
})

describe('quotas of scope maps and tokens', () => {
  it('reports the scope-map quota as RATE_LIMITED, not retryable, naming it, without retrying', async () => {
    await start({ registries: [{ name: FAKE_AZURE.registryName, sku: 'Basic' }] })
    const registryId = `/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/${FAKE_AZURE.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${FAKE_AZURE.registryName}`
    const key = `${FAKE_AZURE.subscriptionId}/${FAKE_AZURE.resourceGroup}/${FAKE_AZURE.registryName}`
    for (let i = 0; i < 100; i++) {
      fake.state.scopeMaps.set(`${key}/seeded-${i}`.toLowerCase(), {
        id: `${registryId}/scopeMaps/seeded-${i}`,
        name: `seeded-${i}`,
        registryKey: key.toLowerCase(),
        description: undefined,
        actions: [`repositories/seeded-${i}/content/read`],
        creationDate: new Date(),
        provisioningState: 'Succeeded',
      })
    }
    const err = await rejectionOf(registry.createRepository('one-too-many'))
    expect(err).toMatchObject({ code: 'RATE_LIMITED', platform: 'azure', retryable: false })
    expect(err.message).toMatch(/quota of scope maps is used up \(100 on Basic\)/)
    expect(err.message).toMatch(/higher SKU/)
    expect(fake.requestsFor('scopeMaps.create')).toHaveLength(1)
  })

  it('reports the token quota the same way, once the scope maps fit', async () => {
    await start({ resourceQuotas: { Standard: 2 } })
    const { name } = await registry.createRepository('web-app')
    await registry.generateCredentials(name, 'push-pull')
    const mapId = fake.getScopeMaps()[0]?.id ?? ''
    const key = tokenNamed('web-app--push').registryKey
    fake.state.tokens.set(`${key}/someone-elses`, {
      ...tokenNamed('web-app--push'),
      id: `${mapId.split('/scopeMaps/')[0]}/tokens/someone-elses`,
      name: 'someone-elses',
      passwords: [],
    })
    const err = await rejectionOf(registry.generateCredentials(name, 'pull'))
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryable: false })
    expect(err.message).toMatch(
      /create token "web-app--pull" failed: the registry's quota of tokens/,
    )
    // The pull scope map fitted (the second of two); only the token did not.
    expect(fake.getScopeMaps()).toHaveLength(2)
  })
})
