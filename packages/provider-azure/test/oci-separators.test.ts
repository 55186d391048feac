import { startAzureFake } from '@artifact-registry/testing/fakes/azure'
import { describe, expect, it } from 'vitest'
import type { AzureCredentialsMode } from '../src/index.js'
import { actionsGranted, fakeProvider } from './fixtures.js'

// ACR takes any name of the OCI grammar, whose components may join their runs with `__` or any
// number of `-`: such a name is routable as it is, and the fake must take its scope-map actions
// and token scopes as ACR does, or it fails a repository ACR would serve.

describe.each<AzureCredentialsMode>(['aad-exchange', 'repository-token'])('in %s mode', (mode) => {
  it.each(['web__app', 'web--app', 'team/a--b'])(
    '%s gets its repository and pull credentials for exactly it',
    async (logical) => {
      await using fake = await startAzureFake()
      await using registry = await fakeProvider(fake, { credentials: mode })
      const { name } = await registry.createRepository(logical)
      expect(name).toBe(logical)
      const credentials = await registry.generateCredentials(name, 'pull')
      expect(await actionsGranted(fake, credentials, name)).toEqual(['pull', 'metadata_read'])
    },
  )
})
