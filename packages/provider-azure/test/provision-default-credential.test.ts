import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fakeAzureCli } from '@artifact-registry/test-kit'
import { FAKE_AZURE } from '@artifact-registry/testing/fakes/azure'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { sovereignAuthorityHost } from '../src/clouds.js'
import { deprovision, provision } from '../src/provision/index.js'
import { fakeCredential } from './fixtures.js'
import {
  deprovisionOptions,
  provisionOptions,
  REGISTRY_NAME,
  startProvisionFake,
  summary,
} from './provision-helpers.js'

// Without `credential`, provisioning signs in as `fromBinding` does, through DefaultAzureCredential
// (what the command line relies on). AZURE_TOKEN_CREDENTIALS narrows that chain to the Azure CLI,
// and an `az` stand-in answers with tokens the fake's Entra ID issued to the provisioning
// identity: the chain never reaches the instance metadata service or a real Entra ID.

const ARM = 'https://management.azure.com'
const ACR = 'https://containerregistry.azure.net'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provider-azure-az-'))
})
afterEach(async () => {
  vi.unstubAllEnvs()
  await rm(dir, { recursive: true, force: true })
})

describe('provision without a credential', () => {
  it('signs in through the default chain: the Azure CLI’s tokens reach ARM and the catalog', async () => {
    await using fake = await startProvisionFake()
    const issued = new Map<string, string>()
    const az = await fakeAzureCli(dir, {
      getToken: async (scope) => {
        const token = await fakeCredential(fake).getToken(scope)
        if (token !== null) issued.set(scope, token.token)
        return token
      },
      resources: [ARM, ACR],
      subscription: FAKE_AZURE.subscriptionId,
      tenant: FAKE_AZURE.tenantId,
    })
    for (const [name, value] of Object.entries(az.env)) vi.stubEnv(name, value)
    const signedInBefore = fake.requests.length

    const { credential, ...options } = provisionOptions(fake)
    const made = await provision(options)
    expect(summary(made.changes)[0]).toBe('create container-registry')
    expect(made.binding).toMatchObject({ platform: 'azure', registryName: REGISTRY_NAME })
    const removed = await deprovision({ ...deprovisionOptions(fake), credential: undefined })
    expect(summary(removed.changes)).toContain('delete container-registry')

    // Every token came from `az`: no client credentials at Entra ID during the runs, and ARM
    // saw exactly the token `az` printed for it.
    const during = fake.requests.slice(signedInBefore)
    expect(during.filter((r) => r.operation.startsWith('entra.'))).toEqual([])
    const armBearers = new Set(
      during.filter((r) => r.url.startsWith('/subscriptions/')).map((r) => r.headers.authorization),
    )
    expect([...armBearers]).toEqual([`Bearer ${issued.get(`${ARM}/.default`)}`])
    expect(await az.calls()).toEqual(
      expect.arrayContaining([
        `account get-access-token --output json --resource ${ARM}`,
        `account get-access-token --output json --resource ${ACR}`,
      ]),
    )
  })

  it('is UNAUTHENTICATED when the default chain cannot sign in, before any change', async () => {
    await using fake = await startProvisionFake()
    // The Azure CLI alone, and it is not installed: nothing can sign in.
    vi.stubEnv('AZURE_TOKEN_CREDENTIALS', 'AzureCliCredential')
    vi.stubEnv('PATH', dir)
    const { credential, ...options } = provisionOptions(fake)
    await expect(provision(options)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' })
    expect(fake.state.registries.size).toBe(0)
  })
})

describe('the authority of the default credential', () => {
  // As a binding says it: only outside the public cloud, so there `@azure/identity` keeps its own
  // default (and AZURE_AUTHORITY_HOST).
  it('is the sovereign cloud’s Entra ID, and unset for the public cloud', () => {
    expect(sovereignAuthorityHost('AZURE_CHINA_CLOUD')).toBe('https://login.chinacloudapi.cn')
    expect(sovereignAuthorityHost('AZURE_US_GOVERNMENT')).toBe('https://login.microsoftonline.us')
    expect(sovereignAuthorityHost('AZURE_PUBLIC_CLOUD')).toBeUndefined()
    expect(sovereignAuthorityHost(undefined)).toBeUndefined()
  })
})
