import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fakeAzureCli } from '../src/index.js'

const ARM = 'https://management.azure.com'
const EXPIRES = Date.UTC(2030, 0, 2, 3, 4, 5)

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'test-kit-az-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

/** The stand-in run as `AzureCliCredential` runs `az`: by name, found on `PATH`, from `/bin`. */
function az(env: { PATH: string }, ...args: string[]) {
  return spawnSync('az', args, { env: { PATH: env.PATH }, cwd: '/bin', encoding: 'utf8' })
}

describe('fakeAzureCli', () => {
  it('prints the token issued for the resource, as `az account get-access-token` does', async () => {
    const scopes: string[] = []
    const cli = await fakeAzureCli(dir, {
      getToken: async (scope) => {
        scopes.push(scope)
        return { token: `token-of-${scope}`, expiresOnTimestamp: EXPIRES }
      },
      resources: [ARM],
      subscription: 'sub-1',
      tenant: 'tenant-1',
    })
    expect(scopes).toEqual([`${ARM}/.default`])
    expect(cli.env.AZURE_TOKEN_CREDENTIALS).toBe('AzureCliCredential')
    // Only PATH: the script needs nothing but /bin/sh and its built-ins.
    const answer = az(cli.env, 'account', 'get-access-token', '--output', 'json', '--resource', ARM)
    expect(answer.status, answer.stderr).toBe(0)
    expect(JSON.parse(answer.stdout)).toMatchObject({
      accessToken: `token-of-${ARM}/.default`,
      expires_on: EXPIRES / 1000,
      expiresOn: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/),
      subscription: 'sub-1',
      tenant: 'tenant-1',
      tokenType: 'Bearer',
    })
    expect(await cli.calls()).toEqual([`account get-access-token --output json --resource ${ARM}`])
  })

  it('refuses another resource and any other command, on stderr with a failing exit code', async () => {
    const cli = await fakeAzureCli(dir, {
      getToken: async () => ({ token: 't', expiresOnTimestamp: EXPIRES }),
      resources: [ARM],
      subscription: 'sub-1',
      tenant: 'tenant-1',
    })
    const other = 'https://vault.azure.net'
    const refused = az(
      cli.env,
      'account',
      'get-access-token',
      '--output',
      'json',
      '--resource',
      other,
    )
    expect(refused.status).toBe(1)
    expect(refused.stdout).toBe('')
    expect(refused.stderr).toContain(`ERROR: AADSTS500011: The resource principal named ${other}`)
    const login = az(cli.env, 'login')
    expect(login.status).toBe(2)
    expect(login.stderr).toMatch(/^ERROR: /)
    const withTenant = az(
      cli.env,
      ...['account', 'get-access-token', '--output', 'json', '--resource', ARM, '--tenant', 't'],
    )
    expect(withTenant.status).toBe(2)
  })

  it('fails to start when a resource has no token', async () => {
    await expect(
      fakeAzureCli(dir, {
        getToken: async () => null,
        resources: [ARM],
        subscription: 'sub-1',
        tenant: 'tenant-1',
      }),
    ).rejects.toThrow(`no token for ${ARM}`)
  })
})
