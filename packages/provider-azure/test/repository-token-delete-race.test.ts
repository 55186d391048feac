import { type AzureFake, startAzureFake } from '@artifact-registry/testing/fakes/azure'
import { afterEach, describe, expect, it } from 'vitest'
import type { AzureProvider } from '../src/index.js'
import { fakeProvider, rejectionOf } from './fixtures.js'

// deleteRepository against generateCredentials on the same repository, in repository-token mode:
// a credential issued while the repository is being deleted must not outlive it.

let fake: AzureFake
let registry: AzureProvider
afterEach(async () => {
  await registry?.close()
  await fake?.close()
})

/** Resolve once the fake has been asked `operation` at least once. */
async function untilAsked(operation: string): Promise<void> {
  while (fake.requestsFor(operation).length === 0) {
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

describe('deleteRepository racing generateCredentials', () => {
  for (const permission of ['pull', 'push-pull'] as const) {
    it(`refuses a ${permission} credential asked meanwhile and leaves no token or scope map`, async () => {
      fake = await startAzureFake()
      registry = await fakeProvider(fake, { credentials: 'repository-token' })
      const { name } = await registry.createRepository('web-app')
      await registry.generateCredentials(name, permission)
      // Deletes take a while, as ARM's do: the token's leaves room for a call to start.
      fake.pollsBeforeDone = 20
      const deleted = registry.deleteRepository(name)
      await untilAsked('tokens.delete')
      const issued = rejectionOf(registry.generateCredentials(name, permission))
      await deleted
      const refused = await issued
      // Issued alongside the deletion, a token and the pull scope map outlived the repository (the
      // push token, bound to the deleted scope map, came back to life with a repository of its name).
      expect(fake.getTokens()).toEqual([])
      expect(fake.getScopeMaps()).toEqual([])
      expect(refused).toMatchObject({ code: 'NOT_FOUND', platform: 'azure' })
    })
  }
})
