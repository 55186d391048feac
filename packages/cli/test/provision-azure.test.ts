import { spawnSync } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fakeAzureCli } from '@artifact-registry/test-kit'
import {
  FAKE_AZURE,
  type FakeAzureIdentity,
  startAzureFake,
  TEST_TLS_CERT,
} from '@artifact-registry/testing/fakes/azure'
import { ClientSecretCredential } from '@azure/identity'
import { afterAll, describe, expect, it } from 'vitest'
import { ERROR_EXIT_CODES, EXIT } from '../src/index.js'
import { cli, parseJson, temporaryDirectory } from './support/command.js'
import { GUARDED_CHILD_NODE_OPTIONS } from './support/network-guard.js'

// The command's azure flags against the Azure fake, signed in as a user who ran `az login`: the
// default Azure credential chain, narrowed by AZURE_TOKEN_CREDENTIALS to the Azure CLI, runs an
// `az` stand-in that prints tokens the fake's Entra ID issued to the provisioning identity. The
// child trusts the fake's certificate through NODE_EXTRA_CA_CERTS, and runs under the tests'
// network guard: the instance metadata service or a real Entra ID would be refused.

const ARM = 'https://management.azure.com'
const ACR = 'https://containerregistry.azure.net'

/** The runtime's identity: the principal the role assignments name. */
const RUNTIME: FakeAzureIdentity = {
  tenantId: FAKE_AZURE.tenantId,
  clientId: 'a11ce000-0000-4000-8000-00000000a11c',
  clientSecret: 'runtime-secret',
  objectId: '0b1ec700-0000-4000-8000-0000000000b1',
  permissionsFrom: 'role-assignments',
}
const REGISTRY_NAME = 'acmeartifacts'

const FLAGS = {
  '--subscription-id': FAKE_AZURE.subscriptionId,
  '--resource-group': FAKE_AZURE.resourceGroup,
  '--registry-name': REGISTRY_NAME,
  '--location': 'eastus',
  '--sku': 'Standard',
  '--runtime-principal-id': RUNTIME.objectId ?? '',
}

const { tenantId, clientId, clientSecret } = FAKE_AZURE
const fake = await startAzureFake({
  registries: [],
  identities: [{ tenantId, clientId, clientSecret }, RUNTIME],
})
const work = await temporaryDirectory('cli-azure-')
// Where managed identity would ask for tokens (`AZURE_POD_IDENTITY_AUTHORITY_HOST` replaces the
// instance metadata service's address): a trap that only counts, so a chain that tries managed
// identity fails the test instead of going unnoticed.
const managedIdentityAsks: string[] = []
const trap = createServer((request, response) => {
  managedIdentityAsks.push(request.url ?? '')
  response.writeHead(400).end()
})
await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve))
afterAll(async () => {
  trap.closeAllConnections()
  trap.close()
  await fake.close()
  await work[Symbol.asyncDispose]()
})

/** Tokens `az` printed, by scope: the only ones ARM may see. */
const printed = new Map<string, string>()
const provisioner = new ClientSecretCredential(
  tenantId,
  clientId,
  clientSecret,
  fake.credentialOptions,
)
const az = await fakeAzureCli(work.dir, {
  getToken: async (scope) => {
    const token = await provisioner.getToken(scope)
    printed.set(scope, token.token)
    return token
  },
  resources: [ARM, ACR],
  subscription: FAKE_AZURE.subscriptionId,
  tenant: tenantId,
})
const caFile = join(work.dir, 'fake-ca.pem')
await writeFile(caFile, TEST_TLS_CERT)
const optionsFile = join(work.dir, 'azure-options.json')
// What only a file can give: where ARM is, and a repository prefix (so deprovision reads the
// registry's catalog, with an ACR-audience token). A poll interval of 1 ms keeps the waits short.
await writeFile(
  optionsFile,
  JSON.stringify({
    clientOptions: { endpoint: fake.url },
    repositoryPrefix: 'team-a',
    pollIntervalMs: 1,
  }),
)

const env = {
  ...az.env,
  NODE_EXTRA_CA_CERTS: caFile,
  NODE_OPTIONS: GUARDED_CHILD_NODE_OPTIONS,
  AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${(trap.address() as AddressInfo).port}`,
  HOME: work.dir,
}

interface ProvisionJson {
  dryRun: boolean
  binding: Record<string, unknown>
  changes: { action: string; kind: string; id: string }[]
}

const flagArgs = (flags: Record<string, string>) => Object.entries(flags).flat()
const registries = () => [...fake.state.registries.values()].map((r) => r.name)

describe('provision azure against the fake', () => {
  it('--dry-run reports the changes; the real run makes them; deprovision --force removes them', async () => {
    const signedInBefore = fake.requests.length
    const args = ['azure', ...flagArgs(FLAGS), '--options-file', optionsFile, '--json']
    const dry = await cli(['provision', ...args, '--dry-run'], { env })
    expect(dry.status, dry.stderr).toBe(EXIT.ok)
    const planned = parseJson<ProvisionJson>(dry)
    expect(planned.dryRun).toBe(true)
    expect(planned.changes.map((c) => `${c.action} ${c.kind}`)).toEqual([
      'create container-registry',
      'create role-definition',
      'create role-assignment',
      'create role-assignment',
      'create role-assignment',
    ])
    expect(registries()).toEqual([])

    const real = await cli(['provision', ...args], { env })
    expect(real.status, real.stderr).toBe(EXIT.ok)
    const made = parseJson<ProvisionJson>(real)
    expect(made.changes).toEqual(planned.changes)
    expect(made.binding).toMatchObject({
      platform: 'azure',
      subscriptionId: FAKE_AZURE.subscriptionId,
      resourceGroup: FAKE_AZURE.resourceGroup,
      registryName: REGISTRY_NAME,
      sku: 'Standard',
      repositoryPrefix: 'team-a',
    })
    const [registry] = fake.state.registries.values()
    expect(registry).toMatchObject({ name: REGISTRY_NAME, location: 'eastus', sku: 'Standard' })
    const assigned = [...fake.state.roleAssignments.values()].map((a) => a.principalId)
    expect(assigned).toEqual([RUNTIME.objectId, RUNTIME.objectId, RUNTIME.objectId])

    const { '--location': _, '--sku': __, ...deprovisionFlags } = FLAGS
    const gone = await cli(
      [
        'deprovision',
        'azure',
        ...flagArgs(deprovisionFlags),
        '--options-file',
        optionsFile,
        '--force',
      ],
      { env: env },
    )
    expect(gone.status, gone.stderr).toBe(EXIT.ok)
    expect(registries()).toEqual([])
    expect(fake.state.roleAssignments.size).toBe(0)

    // Signed in by `az` alone: Entra ID issued nothing during the runs, ARM saw only the token
    // `az` printed for it, and `az` was asked for ARM's and (for deprovision's catalog) ACR's.
    const during = fake.requests.slice(signedInBefore)
    expect(during.filter((r) => r.operation.startsWith('entra.'))).toEqual([])
    const armBearers = new Set(
      during.filter((r) => r.url.startsWith('/subscriptions/')).map((r) => r.headers.authorization),
    )
    expect([...armBearers]).toEqual([`Bearer ${printed.get(`${ARM}/.default`)}`])
    expect(managedIdentityAsks).toEqual([])
    expect(new Set(await az.calls())).toEqual(
      new Set([
        `account get-access-token --output json --resource ${ARM}`,
        `account get-access-token --output json --resource ${ACR}`,
      ]),
    )
  })

  it('runs its children under the network guard: the instance metadata service is refused', () => {
    const child = spawnSync(
      process.execPath,
      ['-e', "require('node:net').connect(80, '169.254.169.254')"],
      { env: { ...process.env, NODE_OPTIONS: env.NODE_OPTIONS }, encoding: 'utf8' },
    )
    expect(child.stderr).toContain('test network guard: refused connection to 169.254.169.254:80')
  })

  it('a bad value is reported against the option its flag sets', async () => {
    const result = await cli(
      [
        'provision',
        'azure',
        ...flagArgs({
          ...FLAGS,
          '--sku': 'Huge',
          '--runtime-principal-id': 'not-a-guid',
          '--resource-group': '',
        }),
        '--dry-run',
        '--json',
      ],
      { env },
    )
    expect(result.status).toBe(ERROR_EXIT_CODES.INVALID_CONFIG)
    const { error } = JSON.parse(result.stderr) as { error: { issues: { path: string }[] } }
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(
      ['resourceGroup', 'runtimePrincipalId', 'sku'].sort(),
    )
  })
})
