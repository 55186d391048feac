import { type AzureFake, startAzureFake } from '@artifact-registry/testing/fakes/azure'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { AzureProvider } from '../src/index.js'
import { actionsGranted, fakeProvider, rejectionOf } from './fixtures.js'

// deleteRepository against generateCredentials on the same repository, in repository-token mode:
// a credential issued while the repository is being deleted must not outlive it, whether the two
// calls share a provider instance or not (two processes of one application).

let fake: AzureFake
let registry: AzureProvider
let otherProcess: AzureProvider | undefined
afterEach(async () => {
  await otherProcess?.close()
  otherProcess = undefined
  await registry?.close()
  await fake?.close()
})

/** Resolve once the fake has been asked `operation` at least `times` times. */
async function untilAsked(operation: string, times = 1): Promise<void> {
  while (fake.requestsFor(operation).length < times) {
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

/** A promise and the function that resolves it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {}
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { opened, open }
}

/**
 * A provider as another process of the application has it: loaded afresh, with module state of
 * its own, so none of this process's turns on a repository's tokens hold its calls back.
 */
async function inAnotherProcess(azureFake: AzureFake): Promise<AzureProvider> {
  vi.resetModules()
  const { azure } = await import('../src/index.js')
  return azure({
    ...azureFake.providerOptions(),
    pollIntervalMs: 1,
    credentials: 'repository-token',
  })
}

describe('deleteRepository racing generateCredentials of another process', () => {
  async function startTwo(): Promise<{ deleting: AzureProvider; issuing: AzureProvider }> {
    fake = await startAzureFake()
    registry = await fakeProvider(fake, { credentials: 'repository-token' })
    otherProcess = await inAnotherProcess(fake)
    return { deleting: registry, issuing: otherProcess }
  }

  for (const permission of ['pull', 'push-pull'] as const) {
    it(`revokes a ${permission} credential handed out after the tokens were first deleted`, async () => {
      const { deleting, issuing } = await startTwo()
      const { name } = await deleting.createRepository('web-app')
      // The deletion has read and deleted the tokens (none yet) and holds before the content goes.
      const contentDeletion = gate()
      fake.inject('acr.deleteRepository', { before: () => contentDeletion.opened })
      const deleted = deleting.deleteRepository(name)
      await untilAsked('acr.deleteRepository')
      const credentials = await issuing.generateCredentials(name, permission)
      expect(await actionsGranted(fake, credentials, name)).not.toBe(401)
      contentDeletion.open()
      await deleted
      // One pass over the tokens, before the scope map went, left this token and its password.
      expect(await actionsGranted(fake, credentials, name)).toBe(401)
      expect(fake.getTokens()).toEqual([])
      expect(fake.getScopeMaps()).toEqual([])
    })
  }

  it('never brings a deleted repository back to give an older scope map push-pull actions', async () => {
    const { deleting, issuing } = await startTwo()
    const { name } = await deleting.createRepository('web-app')
    // A scope map an older version wrote: push-pull credentials first bring it up to date.
    const map = fake.getScopeMaps()[0]
    if (map === undefined) throw new Error('no scope map')
    map.actions = map.actions.filter((a) => !a.endsWith('/content/delete'))
    // The issue has read that scope map; the whole deletion runs before it writes the scope map,
    // with an update or (as it once did) a create.
    const deletion = gate()
    fake.inject('scopeMaps.update', { before: () => deletion.opened })
    fake.inject('scopeMaps.create', { before: () => deletion.opened })
    const issued = rejectionOf(issuing.generateCredentials(name, 'push-pull'))
    const writes = () =>
      fake.requestsFor('scopeMaps.update').length + fake.requestsFor('scopeMaps.create').length
    while (writes() === 0) await new Promise((resolve) => setTimeout(resolve, 1))
    await deleting.deleteRepository(name)
    deletion.open()
    const refused = await issued
    // A PUT, which creates what is missing, made the repository again, with a live push token.
    expect(refused).toMatchObject({ code: 'NOT_FOUND', platform: 'azure' })
    expect(fake.getScopeMaps()).toEqual([])
    expect(fake.getTokens()).toEqual([])
    expect(await deleting.listRepositories()).toEqual([])
  })

  for (const permission of ['pull', 'push-pull'] as const) {
    it(`answers NOT_FOUND when the ${permission} token could not be bound to a scope map deleted meanwhile`, async () => {
      const { deleting, issuing } = await startTwo()
      const { name } = await deleting.createRepository('web-app')
      // The issue has its scope map (pull: made it) and holds before reading the tokens; the whole
      // deletion runs, so the token is created for a scope map that is gone.
      const deletion = gate()
      fake.inject('tokens.get', { before: () => deletion.opened })
      const issued = rejectionOf(issuing.generateCredentials(name, permission))
      await untilAsked('tokens.get')
      await deleting.deleteRepository(name)
      deletion.open()
      const refused = await issued
      // ARM's 400 for a token bound to a missing scope map came out as INVALID_ARGUMENT.
      expect(refused).toMatchObject({ code: 'NOT_FOUND', platform: 'azure' })
      expect(fake.getTokens()).toEqual([])
      expect(fake.getScopeMaps()).toEqual([])
    })
  }

  it('refuses a pull credential whose token was made after the repository was gone', async () => {
    const { deleting, issuing } = await startTwo()
    const { name } = await deleting.createRepository('web-app')
    // The issue has read the repository's scope map, then waits while the whole deletion runs:
    // its pull scope map, token and password all come after it.
    const deletion = gate()
    const readsBefore = fake.requestsFor('scopeMaps.get').length
    fake.inject('scopeMaps.get', { before: () => undefined })
    fake.inject('scopeMaps.get', { before: () => deletion.opened })
    const issued = rejectionOf(issuing.generateCredentials(name, 'pull'))
    await untilAsked('scopeMaps.get', readsBefore + 2)
    await deleting.deleteRepository(name)
    deletion.open()
    const refused = await issued
    // Without a second look at the scope map, the password went out for a deleted repository.
    expect(refused).toMatchObject({ code: 'NOT_FOUND', platform: 'azure' })
    expect(fake.requestsFor('registries.generateCredentials')).toHaveLength(1)
    expect(fake.getTokens()).toEqual([])
    expect(fake.getScopeMaps()).toEqual([])
  })
})
