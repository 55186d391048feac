import { afterAll, beforeAll } from 'vitest'
import {
  type LocalRegistry,
  startLocalRegistry,
  startTokenService,
  type TokenService,
} from '../../src/index.js'

/** The two servers a hostile-input file sends its requests to; set once `beforeAll` has run. */
export interface HostileInputServers {
  registry: LocalRegistry
  tokens: TokenService
}

/**
 * A registry and a token service with the same admin, both silent (the requests are meant to be
 * refused, and their log lines would only be noise), for the test file that calls this.
 */
export function useRegistryAndTokenService(admin: {
  username: string
  password: string
}): HostileInputServers {
  const servers = {} as HostileInputServers
  beforeAll(async () => {
    servers.registry = await startLocalRegistry({ adminCredentials: admin, logLevel: 'silent' })
    servers.tokens = await startTokenService({ admin, logLevel: 'silent' })
  })
  afterAll(async () => {
    await servers.registry?.close()
    await servers.tokens?.close()
  })
  return servers
}
