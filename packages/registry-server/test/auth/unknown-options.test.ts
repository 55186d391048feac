import { describe, expect, it } from 'vitest'
import {
  hashAdminPassword,
  type LocalRegistryOptions,
  startLocalRegistry,
  startTokenService,
  type TokenServiceOptions,
} from '../../src/index.js'

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

describe('an option startTokenService does not know', () => {
  const admin = { username: 'admin', password: 'secret' }

  it('is a TypeError naming it and what the service takes, and nothing listens', async () => {
    // A misspelt tokenTtlSeconds would mean tokens for the default 5 minutes: registry:2 honours
    // a revoked credential's tokens that long.
    const misspelt = { admin, tokenTTLSeconds: 30, logLevel: 'silent' }
    const started = startTokenService(misspelt as TokenServiceOptions)
    await expect(started).rejects.toThrow(TypeError)
    await expect(started).rejects.toThrow(
      /^unknown option "tokenTTLSeconds" of startTokenService; its options are dataDir, admin, .*tokenTtlSeconds/,
    )
  })

  it('leaves the known ones working', async () => {
    await using tokens = await startTokenService({ admin, tokenTtlSeconds: 30, logLevel: 'silent' })
    expect(tokens.realm).toBe(`${tokens.url}/token`)
  })
})

describe('a tokenService field startLocalRegistry does not know', () => {
  it('is a TypeError naming it, and no registry starts', async () => {
    const options = {
      adminCredentials: { username: 'admin', password: 'secret' },
      tokenService: { tokenTTLSeconds: 30 },
      logLevel: 'silent',
    }
    await expect(startLocalRegistry(options as LocalRegistryOptions)).rejects.toThrow(
      /^unknown option "tokenTTLSeconds" of startLocalRegistry tokenService; its options are service, issuer, tokenTtlSeconds$/,
    )
  })
})

describe('a field of tls or adminCredentials startLocalRegistry does not know', () => {
  // Fields of the nested objects are refused as the options are: a CA or passphrase given with
  // the certificate would otherwise not be used, and nothing would say so.
  it('tls: a TypeError naming it, and no registry starts', async () => {
    const options = { tls: { cert: 'PEM', key: 'PEM', passphrase: 'p' }, logLevel: 'silent' }
    await expect(startLocalRegistry(options as LocalRegistryOptions)).rejects.toThrow(
      /^unknown option "passphrase" of startLocalRegistry tls; its options are cert, key$/,
    )
  })

  it('tls that is no object: a TypeError', async () => {
    for (const tls of [null, 'cert.pem']) {
      const options = { tls, logLevel: 'silent' }
      await expect(startLocalRegistry(options as unknown as LocalRegistryOptions)).rejects.toThrow(
        new TypeError('tls needs both cert and key (PEM)'),
      )
    }
  })

  it('adminCredentials: a TypeError naming the field, never its value', async () => {
    const options = {
      adminCredentials: { username: 'admin', password: 'secret', pasword: 'other-secret' },
      logLevel: 'silent',
    }
    const started = startLocalRegistry(options as LocalRegistryOptions)
    await expect(started).rejects.toThrow(
      /^unknown option "pasword" of startLocalRegistry adminCredentials; its options are username, password, passwordHash$/,
    )
    await expect(started).rejects.not.toThrow(/secret/)
  })

  it('adminCredentials with both password and passwordHash: a TypeError, not one of them ignored', async () => {
    const options = {
      adminCredentials: {
        username: 'admin',
        password: 'secret',
        passwordHash: await hashAdminPassword('other'),
      },
      logLevel: 'silent',
    }
    await expect(startLocalRegistry(options as LocalRegistryOptions)).rejects.toThrow(
      new TypeError('admin credentials take password or passwordHash, not both'),
    )
  })

  it('tokenService that is no object: a TypeError, not the default token settings', async () => {
    const options = {
      adminCredentials: { username: 'admin', password: 'secret' },
      tokenService: 'short-lived',
      logLevel: 'silent',
    }
    await expect(startLocalRegistry(options as LocalRegistryOptions)).rejects.toThrow(
      'tokenService must be an object',
    )
  })
})

describe('a field of admin startTokenService does not know', () => {
  it('is a TypeError naming it, and nothing listens', async () => {
    const options = { admin: { username: 'admin', passwordhash: 'x' }, logLevel: 'silent' }
    await expect(startTokenService(options as unknown as TokenServiceOptions)).rejects.toThrow(
      /^unknown option "passwordhash" of startTokenService admin; its options are username, password, passwordHash$/,
    )
  })
})

describe('adminCredentials given, but not as an object', () => {
  // Only leaving it out turns auth off. An unset setting read from a file or the environment
  // (`null`, `''`, `false`) once started a registry that let every anonymous request in.
  it.each([null, '', false, 0])('%j is a TypeError, and no registry starts', async (given) => {
    const options = { adminCredentials: given, logLevel: 'silent' }
    const started = startLocalRegistry(options as unknown as LocalRegistryOptions)
    await expect(started).rejects.toThrow(TypeError)
    await expect(started).rejects.toThrow(/^adminCredentials must be \{ username, password \}/)
  })
})
