import { type AzureFake, startAzureFake } from '@artifact-registry/testing/fakes/azure'
import { afterEach, describe, expect, it } from 'vitest'
import type { AzureProvider } from '../src/index.js'
import { actionsGranted, fakeProvider, rejectionOf } from './fixtures.js'

// An ACR token an administrator disabled stops its repository's credentials of that permission:
// the provider refuses to issue more (PERMISSION_DENIED) until someone enables or deletes it. Its
// housekeeping (the quota sweep), and issuing the other permission, must not delete it either: the next credential would come from a new, enabled token, and the
// administrator's stop would be undone without anyone being told.

let fake: AzureFake
let registry: AzureProvider
afterEach(async () => {
  await registry?.close()
  await fake?.close()
})

/** The fake with a Standard token quota of `quota`, the provider in repository-token mode. */
async function start(quota?: number): Promise<void> {
  fake = await startAzureFake(quota === undefined ? {} : { resourceQuotas: { Standard: quota } })
  registry = await fakeProvider(fake, { credentials: 'repository-token' })
}

function disable(name: string): void {
  const token = fake.getTokens().find((t) => t.name === name)
  if (token === undefined) throw new Error(`no token ${name}`)
  token.status = 'disabled'
}

function statusOf(name: string): string | undefined {
  return fake.getTokens().find((t) => t.name === name)?.status
}

describe('a token an administrator disabled, in repository-token mode', () => {
  it('is not deleted when the other permission is issued, so it still stops its permission', async () => {
    await start()
    const { name } = await registry.createRepository('web-app')
    await registry.generateCredentials(name, 'pull', { ttlSeconds: 60 })
    disable('web-app--pull')
    fake.advanceClock(61)
    await registry.generateCredentials(name, 'push-pull')
    expect(statusOf('web-app--pull')).toBe('disabled')
    const refused = await rejectionOf(registry.generateCredentials(name, 'pull'))
    expect(refused).toMatchObject({ code: 'PERMISSION_DENIED', platform: 'azure' })
  })

  it('is never swept to make room under the token quota', async () => {
    const quota = 5
    await start(quota)
    const idle = await registry.createRepository('idle-app')
    const pull = await registry.generateCredentials(idle.name, 'pull', { ttlSeconds: 60 })
    disable('idle-app--pull')
    // Someone else's tokens without passwords (never swept) fill the rest of the quota.
    const disabled = fake.getTokens()[0]
    if (disabled === undefined) throw new Error('no token')
    for (let i = 1; i < quota; i++) {
      const filler = `filler-${i}`
      fake.state.tokens.set(`${disabled.registryKey}/${filler}`, {
        ...disabled,
        id: disabled.id.replace(/idle-app--pull$/, filler),
        name: filler,
        status: 'enabled',
        passwords: [],
      })
    }
    const { name } = await registry.createRepository('web-app')
    fake.advanceClock(61)
    const err = await rejectionOf(registry.generateCredentials(name, 'pull'))
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryable: false })
    expect(statusOf('idle-app--pull')).toBe('disabled')
    const refused = await rejectionOf(registry.generateCredentials(idle.name, 'pull'))
    expect(refused).toMatchObject({ code: 'PERMISSION_DENIED' })
    expect(await actionsGranted(fake, pull, 'idle-app')).toBe(401)
  })
})
