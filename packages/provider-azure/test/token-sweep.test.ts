import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import {
  type AzureFake,
  FAKE_AZURE,
  type FakeTokenPassword,
  startAzureFake,
} from '@artifact-registry/testing/fakes/azure'
import { afterEach, describe, expect, it } from 'vitest'
import type { AzureProvider, AzureProviderOptions } from '../src/index.js'
import { SWEEP_BATCH } from '../src/token-sweep.js'
import { actionsGranted, fakeProvider, rejectionOf } from './fixtures.js'

// Repository-token mode when a new token does not fit the registry's token quota: the expired
// tokens of idle repositories, which nothing else deletes, are swept and the creation is tried
// once more. The fake answers 400 QuotaExceeded over its lowered Standard quota, which counts
// scope maps and tokens apart: tokens of someone else fill the token quota first.

let fake: AzureFake
let registry: AzureProvider
afterEach(async () => {
  await registry?.close()
  await fake?.close()
})

/** The lowered quota: room for every scope map a test makes. */
const QUOTA = 30

type Policies = NonNullable<
  NonNullable<AzureProviderOptions['clientOptions']>['additionalPolicies']
>

/** The fake with a Standard quota of {@link QUOTA}, the provider in repository-token mode. */
async function start(policies: Policies = []): Promise<void> {
  fake = await startAzureFake({ resourceQuotas: { Standard: QUOTA } })
  const clientOptions = { ...fake.providerOptions().clientOptions, additionalPolicies: policies }
  registry = await fakeProvider(fake, { credentials: 'repository-token', clientOptions })
}

/** `repository` created, with credentials of `permission` for each TTL (seconds); the last. */
async function issued(
  repository: string,
  permission: 'pull' | 'push-pull',
  ...ttls: [number, ...number[]]
): Promise<ArtifactRegistryCredentials> {
  const { name } = await registry.createRepository(repository)
  let last: ArtifactRegistryCredentials | undefined
  for (const ttlSeconds of ttls) {
    last = await registry.generateCredentials(name, permission, { ttlSeconds })
  }
  return last as ArtifactRegistryCredentials
}

/** The tokens the registry holds, but the fillers. */
function tokenNames(): string[] {
  return fake
    .getTokens()
    .map((t) => t.name)
    .filter((name) => !name.startsWith('filler-'))
    .sort()
}

const registryId = `/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/${FAKE_AZURE.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${FAKE_AZURE.registryName}`
const registryKey =
  `${FAKE_AZURE.subscriptionId}/${FAKE_AZURE.resourceGroup}/${FAKE_AZURE.registryName}`.toLowerCase()

/** A scope map someone else made, straight into the fake's state. */
function seedScopeMap(name: string, actions: string[]): string {
  const id = `${registryId}/scopeMaps/${name}`
  fake.state.scopeMaps.set(`${registryKey}/${name.toLowerCase()}`, {
    id,
    name,
    registryKey,
    description: undefined,
    actions,
    creationDate: new Date(fake.now()),
    provisioningState: 'Succeeded',
  })
  return id
}

/** A token someone else made, bound to `scopeMapId`: with one expired password, or none. */
function seedToken(name: string, scopeMapId: string, expired = true): void {
  const expiry = new Date(fake.now() - 1000)
  const passwords: FakeTokenPassword[] = expired
    ? [{ name: 'password1', value: 'x', creationTime: expiry, expiry }]
    : []
  fake.state.tokens.set(`${registryKey}/${name.toLowerCase()}`, {
    id: `${registryId}/tokens/${name}`,
    name,
    registryKey,
    scopeMapId,
    status: 'enabled',
    passwords,
    creationDate: expiry,
    provisioningState: 'Succeeded',
  })
}

/** Someone else's tokens without passwords (never swept) until the token quota is used up. */
function fillTokenQuota(): void {
  const mapId = fake.getScopeMaps()[0]?.id ?? ''
  for (let i = fake.getTokens().length; i < QUOTA; i++) seedToken(`filler-${i}`, mapId, false)
}

const PULL = ['pull', 'metadata_read']

describe('the token quota in repository-token mode', () => {
  it('sweeps idle repositories’ expired tokens and issues the new credential', async () => {
    await start()
    await issued('idle-a', 'pull', 60)
    await issued('idle-b', 'push-pull', 60)
    const live = await issued('live-app', 'pull', 3600)
    await registry.createRepository('web-app')
    fillTokenQuota()
    fake.advanceClock(61)
    const fresh = await registry.generateCredentials('web-app', 'pull', { ttlSeconds: 600 })
    expect(tokenNames()).toEqual(['live-app--pull', 'web-app--pull'])
    expect(await actionsGranted(fake, fresh)).toEqual(PULL)
    expect(await actionsGranted(fake, live, 'live-app')).toEqual(PULL)
    // Three tokens, then web-app's over the quota and once more after the sweep.
    expect(fake.requestsFor('tokens.create')).toHaveLength(5)
  })

  it('keeps a token with a live password, even when its other password expired', async () => {
    await start()
    await issued('idle-app', 'pull', 60)
    const live = await issued('half-app', 'push-pull', 60, 3600)
    await registry.createRepository('web-app')
    fillTokenQuota()
    fake.advanceClock(61)
    await registry.generateCredentials('web-app', 'pull')
    expect(tokenNames()).toEqual(['half-app--push', 'web-app--pull'])
    expect(await actionsGranted(fake, live, 'half-app')).toEqual([
      'pull',
      'push',
      'delete',
      'metadata_read',
      'metadata_write',
    ])
  })

  it('never deletes a token it did not make, and then reports the quota without a retry', async () => {
    await start()
    await registry.createRepository('web-app')
    await issued('rebound', 'pull', 60)
    // Our name, bound to the repository's own scope map instead of its --pull one.
    const rebound = fake.getTokens()[0]
    if (rebound === undefined) throw new Error('no token')
    rebound.scopeMapId = rebound.scopeMapId.replace(/--pull$/, '')
    fake.advanceClock(61)
    const webApp = fake.getScopeMaps().find((m) => m.name === 'web-app')?.id ?? ''
    // Another name, bound to our scope map.
    seedToken('someone-elses', webApp)
    // Our name shape, bound to a scope map of our naming that holds another repository's actions.
    seedToken('stray--push', seedScopeMap('stray', ['repositories/elsewhere/content/read']))
    // Our names, but the scope map reads no repository.
    seedToken('ghost--pull', seedScopeMap('ghost--pull', ['repositories/ghost/content/write']))
    fillTokenQuota()
    const before = tokenNames()
    const err = await rejectionOf(registry.generateCredentials('web-app', 'pull'))
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryable: false, platform: 'azure' })
    expect(err.message).toMatch(
      /create token "web-app--pull" failed: the registry's quota of tokens is used up/,
    )
    expect(tokenNames()).toEqual(before)
    expect(before).toHaveLength(4)
    // rebound--pull's, then web-app--pull's once: nothing was swept, so nothing to retry.
    expect(fake.requestsFor('tokens.create')).toHaveLength(2)
  })

  it('never sweeps the expired tokens of another binding (another prefix) on the registry', async () => {
    fake = await startAzureFake({ resourceQuotas: { Standard: QUOTA } })
    const mode = { credentials: 'repository-token' } as const
    await using other = await fakeProvider(fake, { ...mode, repositoryPrefix: 'team-b' })
    registry = await fakeProvider(fake, { ...mode, repositoryPrefix: 'team-a' })
    const theirs = await other.createRepository('app')
    await other.generateCredentials(theirs.name, 'pull', { ttlSeconds: 60 })
    const mine = await registry.createRepository('web-app')
    fillTokenQuota()
    fake.advanceClock(61)
    const before = tokenNames()
    expect(before).toHaveLength(1)
    const err = await rejectionOf(registry.generateCredentials(mine.name, 'pull'))
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryable: false })
    expect(tokenNames()).toEqual(before)
  })

  it('reports the quota when the room the sweep made was taken before the retry', async () => {
    let creations = 0
    const takeTheRoom: Policies[number] = {
      position: 'perCall',
      policy: {
        name: 'another-process-takes-the-room',
        sendRequest: (request, next) => {
          if (request.method === 'PUT' && request.url.includes('/tokens/web-app--pull?')) {
            creations += 1
            if (creations === 2) seedToken('elsewhere', fake.getScopeMaps()[0]?.id ?? '', false)
          }
          return next(request)
        },
      },
    }
    await start([takeTheRoom])
    await issued('idle-app', 'pull', 60)
    await registry.createRepository('web-app')
    fillTokenQuota()
    fake.advanceClock(61)
    const err = await rejectionOf(registry.generateCredentials('web-app', 'pull'))
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryable: false })
    expect(err.message).toMatch(
      /create token "web-app--pull" failed: the registry's quota of tokens/,
    )
    expect(creations).toBe(2)
    expect(tokenNames()).toEqual(['elsewhere'])
  })

  it(`deletes at most ${SWEEP_BATCH} tokens a sweep, those expired longest first`, async () => {
    await start()
    for (let i = 0; i <= SWEEP_BATCH; i++) await issued(`idle-${i}`, 'pull', 60 * (i + 1))
    await registry.createRepository('web-app')
    fillTokenQuota()
    fake.advanceClock(60 * (SWEEP_BATCH + 1) + 1)
    await registry.generateCredentials('web-app', 'pull')
    expect(tokenNames()).toEqual([`idle-${SWEEP_BATCH}--pull`, 'web-app--pull'])
  })

  it('never deletes the token of a repository another call is issuing for', async () => {
    let armed = false
    let reached: () => void = () => {}
    const atGate = new Promise<void>((resolve) => {
      reached = resolve
    })
    let release: () => void = () => {}
    const opened = new Promise<void>((resolve) => {
      release = resolve
    })
    const gate: Policies[number] = {
      position: 'perCall',
      policy: {
        name: 'hold-the-password-of-busy-app',
        sendRequest: async (request, next) => {
          const body = String(request.body)
          if (armed && request.url.includes('/generateCredentials?') && body.includes('busy-app')) {
            reached()
            await opened
          }
          return next(request)
        },
      },
    }
    await start([gate])
    await issued('busy-app', 'pull', 60)
    await registry.createRepository('web-app')
    fillTokenQuota()
    fake.advanceClock(61)
    // busy-app's only password expired: its call takes the slot, held before ARM sees it.
    armed = true
    const busy = registry.generateCredentials('busy-app', 'pull', { ttlSeconds: 600 })
    await atGate
    const err = await rejectionOf(registry.generateCredentials('web-app', 'pull'))
    release()
    expect(err).toMatchObject({ code: 'RATE_LIMITED' })
    expect(await actionsGranted(fake, await busy, 'busy-app')).toEqual(PULL)
    expect(tokenNames()).toEqual(['busy-app--pull'])
  })
})
