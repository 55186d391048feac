import { type AzureFake, startAzureFake } from '@artifact-registry/testing/fakes/azure'
import { afterEach, describe, expect, it } from 'vitest'
import type { AzureProvider } from '../src/index.js'
import { actionsGranted, fakeProvider } from './fixtures.js'

// docs/cloud-calls.md#the-other-permissions-token: in repository-token mode, generateCredentials
// touches only the token of the permission it issues. It once read the other permission's token to
// delete it once all its passwords expired; another replica writing a password into that token at
// the same moment then handed out a credential the delete ended at once.

let fake: AzureFake
const providers: AzureProvider[] = []
afterEach(async () => {
  await Promise.all(providers.splice(0).map((provider) => provider.close()))
  await fake?.close()
})

/** A provider in repository-token mode on the fake: each one stands for a replica. */
async function replica(): Promise<AzureProvider> {
  const provider = await fakeProvider(fake, { credentials: 'repository-token' })
  providers.push(provider)
  return provider
}

/** How many times ARM was asked for the token `name` since the last `fake.reset()`. */
function readsOf(name: string): number {
  return fake
    .requestsFor('tokens.get')
    .filter((r) => new URL(r.url, fake.url).pathname.endsWith(`/tokens/${name}`)).length
}

describe('repository-token mode, the other permission’s token', () => {
  it('is neither read nor deleted when credentials are issued, even with every password expired', async () => {
    fake = await startAzureFake()
    const registry = await replica()
    const { name } = await registry.createRepository('web-app')
    await registry.generateCredentials(name, 'pull', { ttlSeconds: 60 })
    fake.advanceClock(61)
    fake.reset()
    await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 600 })
    await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 600 })
    expect(readsOf('web-app--pull')).toBe(0)
    expect(fake.requestsFor('tokens.delete')).toHaveLength(0)
    expect(
      fake
        .getTokens()
        .map((t) => t.name)
        .sort(),
    ).toEqual(['web-app--pull', 'web-app--push'])
  })

  it('keeps working for a credential another replica issued while this one issued the other permission', async () => {
    fake = await startAzureFake()
    const [first, a, b] = [await replica(), await replica(), await replica()]
    const { name } = await first.createRepository('web-app')
    // The push token exists, every password of it expired.
    await first.generateCredentials(name, 'push-pull', { ttlSeconds: 60 })
    fake.advanceClock(120)
    // Replica A's issue of pull is held at any token delete it makes, after its reads.
    let release = (): void => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let deleteAsked = (): void => {}
    const deleting = new Promise<'delete'>((resolve) => {
      deleteAsked = () => resolve('delete')
    })
    fake.inject('tokens.delete', {
      before: () => {
        deleteAsked()
        return held
      },
    })
    const pull = a.generateCredentials(name, 'pull', { ttlSeconds: 600 })
    await Promise.race([deleting, pull])
    // Meanwhile replica B writes a password into the push token and hands it out.
    const pushPull = await b.generateCredentials(name, 'push-pull', { ttlSeconds: 3600 })
    release()
    const pulled = await pull
    expect(await actionsGranted(fake, pushPull)).toEqual(
      expect.arrayContaining(['pull', 'push', 'delete']),
    )
    expect(await actionsGranted(fake, pulled)).toEqual(['pull', 'metadata_read'])
  })
})
