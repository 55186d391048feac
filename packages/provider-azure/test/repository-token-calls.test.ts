import { type AzureFake, startAzureFake } from '@artifact-registry/testing/fakes/azure'
import { afterEach, describe, expect, it } from 'vitest'
import type { AzureProvider } from '../src/index.js'
import { fakeProvider } from './fixtures.js'

// docs/cloud-calls.md: in repository-token mode, generateCredentials reads the repository's
// token of the other permission only to delete it once all its passwords expired. While it holds
// a password this provider generated that has not expired, it cannot have expired, and that read
// is skipped; these tests count the reads in the fake's request log.

let fake: AzureFake
let registry: AzureProvider
afterEach(async () => {
  await registry?.close()
  await fake?.close()
})

async function start(): Promise<AzureProvider> {
  fake = await startAzureFake()
  registry = await fakeProvider(fake, { credentials: 'repository-token' })
  return registry
}

/** How many times ARM was asked for the token `name` since the last `fake.reset()`. */
function readsOf(name: string): number {
  return fake
    .requestsFor('tokens.get')
    .filter((r) => new URL(r.url, fake.url).pathname.endsWith(`/tokens/${name}`)).length
}

describe('repository-token mode, calls to ARM', () => {
  it('never reads the other token while a password this provider generated for it is live', async () => {
    await start()
    const { name } = await registry.createRepository('web-app')
    await registry.generateCredentials(name, 'pull', { ttlSeconds: 600 })
    fake.reset()
    await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 600 })
    await registry.generateCredentials(name, 'pull', { ttlSeconds: 600 })
    await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 600 })
    // Each issue reads its own token (for its slots and status), never the other permission's:
    // the pull token once (second pull issue); the push token by both push-pull issues, plus the
    // final read of its creation.
    expect(readsOf('web-app--pull')).toBe(1)
    expect(readsOf('web-app--push')).toBe(3)
    expect(fake.requestsFor('tokens.get')).toHaveLength(4)
  })

  it('reads it again once that password expired, and deletes the token if nothing live is left', async () => {
    await start()
    const { name } = await registry.createRepository('web-app')
    await registry.generateCredentials(name, 'pull', { ttlSeconds: 60 })
    fake.advanceClock(61)
    fake.reset()
    await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 600 })
    expect(readsOf('web-app--pull')).toBe(1)
    expect(fake.getTokens().map((t) => t.name)).toEqual(['web-app--push'])
  })

  it('reads it again after deleteRepository: what it knew went with the tokens', async () => {
    await start()
    const { name } = await registry.createRepository('web-app')
    await registry.generateCredentials(name, 'pull', { ttlSeconds: 600 })
    await registry.deleteRepository(name)
    await registry.createRepository('web-app')
    fake.reset()
    await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 600 })
    expect(readsOf('web-app--pull')).toBe(1)
  })
})
