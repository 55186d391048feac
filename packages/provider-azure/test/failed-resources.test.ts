import {
  type AzureFake,
  type FakeToken,
  startAzureFake,
} from '@artifact-registry/testing/fakes/azure'
import { afterEach, describe, expect, it } from 'vitest'
import type { AzureProvider } from '../src/index.js'
import { actionsGranted, fakeProvider, rejectionOf } from './fixtures.js'

// A scope map or token whose last update failed is left `Failed` by ARM, holding what that update
// wrote. It is still whoever's it was: writing ours over someone else's would hand the holders of
// its tokens' passwords our repository (or re-enable a token an administrator disabled).

let fake: AzureFake
let registry: AzureProvider
afterEach(async () => {
  await registry?.close()
  await fake?.close()
})

async function start(credentials?: 'repository-token'): Promise<AzureProvider> {
  fake = await startAzureFake()
  registry = await fakeProvider(fake, credentials === undefined ? {} : { credentials })
  return registry
}

function scopeMapNamed(name: string) {
  const map = fake.getScopeMaps().find((m) => m.name === name)
  if (map === undefined) throw new Error(`no scope map ${name}`)
  return map
}

function tokenNamed(name: string): FakeToken {
  const token = fake.getTokens().find((t) => t.name === name)
  if (token === undefined) throw new Error(`no token ${name}`)
  return token
}

describe('a Failed scope map or token of our name that is someone else’s', () => {
  it('createRepository: CONFLICT, and the scope map is not written', async () => {
    await start()
    await registry.createRepository('web-app')
    const map = scopeMapNamed('web-app')
    map.actions = ['repositories/other-app/content/read']
    map.provisioningState = 'Failed'
    const creates = fake.requestsFor('scopeMaps.create').length
    expect(await rejectionOf(registry.createRepository('web-app'))).toMatchObject({
      code: 'CONFLICT',
      platform: 'azure',
    })
    expect(fake.requestsFor('scopeMaps.create')).toHaveLength(creates)
    expect(map.actions).toEqual(['repositories/other-app/content/read'])
  })

  it('pull credentials: CONFLICT for the pull scope map, which is not written', async () => {
    await start('repository-token')
    const { name } = await registry.createRepository('web-app')
    await registry.generateCredentials(name, 'pull')
    const map = scopeMapNamed('web-app--pull')
    map.actions = ['repositories/other-app/content/read']
    map.provisioningState = 'Failed'
    const creates = fake.requestsFor('scopeMaps.create').length
    expect(await rejectionOf(registry.generateCredentials(name, 'pull'))).toMatchObject({
      code: 'CONFLICT',
    })
    expect(fake.requestsFor('scopeMaps.create')).toHaveLength(creates)
    expect(map.actions).toEqual(['repositories/other-app/content/read'])
  })

  it('pull credentials: CONFLICT for a token bound elsewhere, which keeps its binding', async () => {
    await start('repository-token')
    const { name } = await registry.createRepository('web-app')
    await registry.createRepository('other-app')
    await registry.generateCredentials('other-app', 'pull')
    const theirs = await registry.generateCredentials(name, 'pull')
    const token = tokenNamed('web-app--pull')
    const elsewhere = scopeMapNamed('other-app--pull').id
    token.scopeMapId = elsewhere
    token.provisioningState = 'Failed'
    const creates = fake.requestsFor('tokens.create').length
    expect(await rejectionOf(registry.generateCredentials(name, 'pull'))).toMatchObject({
      code: 'CONFLICT',
    })
    expect(fake.requestsFor('tokens.create')).toHaveLength(creates)
    expect(token.scopeMapId).toBe(elsewhere)
    // Rebound to our pull scope map, the password its holders already have would read web-app.
    token.provisioningState = 'Succeeded'
    expect(await actionsGranted(fake, theirs, 'web-app')).toEqual([])
  })

  it('a disabled one stays disabled: PERMISSION_DENIED, and the token is not written', async () => {
    await start('repository-token')
    const { name } = await registry.createRepository('web-app')
    await registry.generateCredentials(name, 'push-pull')
    const token = tokenNamed('web-app--push')
    token.status = 'disabled'
    token.provisioningState = 'Failed'
    const creates = fake.requestsFor('tokens.create').length
    expect(await rejectionOf(registry.generateCredentials(name, 'push-pull'))).toMatchObject({
      code: 'PERMISSION_DENIED',
    })
    expect(fake.requestsFor('tokens.create')).toHaveLength(creates)
    expect(token.status).toBe('disabled')
  })
})

describe('a Failed scope map or token of ours', () => {
  it('createRepository writes the scope map again', async () => {
    await start()
    await registry.createRepository('web-app')
    scopeMapNamed('web-app').provisioningState = 'Failed'
    const creates = fake.requestsFor('scopeMaps.create').length
    const repository = await registry.createRepository('web-app')
    expect(fake.requestsFor('scopeMaps.create')).toHaveLength(creates + 1)
    expect(repository.uri).not.toBeNull()
    expect(scopeMapNamed('web-app').provisioningState).toBe('Succeeded')
  })

  it('credentials write the pull scope map and the token again, and work', async () => {
    await start('repository-token')
    const { name } = await registry.createRepository('web-app')
    await registry.generateCredentials(name, 'pull')
    scopeMapNamed('web-app--pull').provisioningState = 'Failed'
    tokenNamed('web-app--pull').provisioningState = 'Failed'
    const maps = fake.requestsFor('scopeMaps.create').length
    const tokens = fake.requestsFor('tokens.create').length
    const pull = await registry.generateCredentials(name, 'pull')
    expect(fake.requestsFor('scopeMaps.create')).toHaveLength(maps + 1)
    expect(fake.requestsFor('tokens.create')).toHaveLength(tokens + 1)
    expect(await actionsGranted(fake, pull)).toEqual(['pull', 'metadata_read'])
  })
})

describe('a Failed scope map of the repository, for push-pull credentials', () => {
  it('is updated again before a push token is bound to it', async () => {
    await start('repository-token')
    const { name } = await registry.createRepository('web-app')
    const map = scopeMapNamed('web-app')
    // Edited by hand to reach another repository: push-pull credentials take that away first.
    map.actions = [...map.actions, 'repositories/other-app/content/write']
    fake.inject('scopeMaps.update', {
      operationFailure: {
        code: 'Conflict',
        message: 'Another operation is in progress',
        status: 409,
      },
    })
    await rejectionOf(registry.generateCredentials(name, 'push-pull'))
    // ARM says Failed: what the registry enforces for that scope map is not known.
    expect(map.provisioningState).toBe('Failed')
    const updates = fake.requestsFor('scopeMaps.update').length
    const push = await registry.generateCredentials(name, 'push-pull')
    expect(fake.requestsFor('scopeMaps.update')).toHaveLength(updates + 1)
    expect(map.provisioningState).toBe('Succeeded')
    expect(await actionsGranted(fake, push)).not.toBe(401)
  })
})
