import { parseBinding } from '@artifact-registry/core'
import { describe, expect, it } from 'vitest'
import { bindingOf } from '../../src/provision/binding.js'
import { provision } from '../../src/provision/index.js'
import { resolveProvisionOptions } from '../../src/provision/options.js'
import { httpsRegistryWithPlainRealm, loopbackServers } from '../support/realm-servers.js'

// A registry:2 over HTTPS whose token service answers on plain HTTP: the provider refuses such a
// realm unless `tokenServiceUrl` names it. Provisioning must take it, use it, and put it in the
// binding, or the runtime it provisions for could not mint there.

const ADMIN_PASSWORD = 'provision-token-service-secret'
const servers = loopbackServers()

describe('provisioning a registry whose token service is named by tokenServiceUrl', () => {
  it('asks that token service, which it refuses without the option', async () => {
    const registry = await httpsRegistryWithPlainRealm(servers)
    const options = {
      url: registry.url,
      caCertificate: registry.ca,
      adminPassword: ADMIN_PASSWORD,
    }
    await expect(provision(options)).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining('plain HTTP'),
    })
    expect(registry.seen).toHaveLength(0)
    // The stand-in's token service refuses the token (404): what matters is that it was asked.
    await expect(provision({ ...options, tokenServiceUrl: registry.realm })).rejects.toBeDefined()
    expect(registry.seen.map((req) => req.headers.authorization?.split(' ')[0])).toContain('Basic')
  })

  it('puts it in the binding, which the runtime then takes', () => {
    const target = resolveProvisionOptions(
      {
        url: 'https://registry.internal:5000',
        adminPassword: ADMIN_PASSWORD,
        tokenServiceUrl: 'http://tokens.internal:5001',
      },
      'provision',
    )
    const binding = bindingOf(target)
    expect(binding).toMatchObject({ tokenServiceUrl: 'http://tokens.internal:5001' })
    expect(JSON.stringify(binding)).not.toContain(ADMIN_PASSWORD)
    expect(() =>
      parseBinding({ ...binding, adminCredentials: { username: 'admin', password: 'x' } }),
    ).not.toThrow()
  })

  it('refuses a tokenServiceUrl that is no http(s) URL, by path', () => {
    expect(() =>
      resolveProvisionOptions(
        { url: 'http://127.0.0.1:5000', adminPassword: 'x', tokenServiceUrl: 'ftp://tokens' },
        'provision',
      ),
    ).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: 'tokenServiceUrl' })] }),
    )
  })
})
