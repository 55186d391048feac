import { describe, expect, it } from 'vitest'
import { type LocalRegistryOptions, startLocalRegistry } from '../../src/index.js'

// Without `adminCredentials` (and `authorize`) the registry lets everyone in, as the README says.
// A misspelt `adminCredentials`, from JavaScript or an options object built elsewhere, must not
// be mistaken for "no admin": that would serve an open registry while its caller believes it
// needs credentials.

describe('an option startLocalRegistry does not know', () => {
  it('is a TypeError naming it, and no registry starts', async () => {
    const misspelt = { adminCredential: { username: 'admin', password: 'secret' } }
    const started = startLocalRegistry(misspelt as LocalRegistryOptions)
    await expect(started).rejects.toThrow(TypeError)
    await expect(started).rejects.toThrow('unknown option "adminCredential" of startLocalRegistry')
  })

  it('names every one', async () => {
    const options = { dataDirectory: './data', hashthreads: 1, logLevel: 'silent' }
    await expect(startLocalRegistry(options as LocalRegistryOptions)).rejects.toThrow(
      'unknown options "dataDirectory", "hashthreads" of startLocalRegistry',
    )
  })

  it('leaves the known ones working: with adminCredentials, an anonymous request is refused', async () => {
    await using registry = await startLocalRegistry({
      adminCredentials: { username: 'admin', password: 'secret' },
      logLevel: 'silent',
    })
    const res = await fetch(`${registry.url}/v2/`)
    await res.body?.cancel()
    expect(res.status).toBe(401)
  })
})
