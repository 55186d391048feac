import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import { requireTool, type SkopeoWorkspace, skopeoWorkspace } from '@artifact-registry/test-kit'
import { type AzureFake, startAzureFake } from '@artifact-registry/testing/fakes/azure'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AzureCredentialsMode } from '../src/index.js'
import { fakeProvider } from './fixtures.js'

// skopeo list-tags with the provider's pull credentials, against the fake's login server, which
// lets a credential list tags only with ACR's metadata/read action (or a role that pulls).

const TIMEOUT = 60_000
// Without skopeo this file fails, never skips: a skip would hide the tag-list check.
const missingSkopeo = requireTool('skopeo')
if (missingSkopeo !== undefined) throw new Error(missingSkopeo)

let workspace: SkopeoWorkspace
let tlsArgs: string[]
beforeAll(async () => {
  workspace = await skopeoWorkspace('provider-azure-tags-')
})
afterAll(() => workspace?.[Symbol.asyncDispose]())

/** Trust the fake's certificate (and only it) for skopeo's TLS. */
async function trust(fake: AzureFake): Promise<void> {
  const certDir = join(workspace.dir, `certs-${fake.loginServer.replace(/\W/g, '-')}`)
  await mkdir(certDir)
  await writeFile(join(certDir, 'ca.crt'), fake.ca)
  tlsArgs = ['--tls-verify=true', '--cert-dir', certDir]
}

async function listTags(credentials: ArtifactRegistryCredentials, repository: string) {
  return workspace.skopeo.run(
    'list-tags',
    ...tlsArgs,
    ...(await workspace.login(credentials)),
    `docker://${credentials.registry}/${repository}`,
  )
}

describe.each<AzureCredentialsMode>(['aad-exchange', 'repository-token'])(
  'tag listing in %s mode',
  (mode) => {
    it(
      'skopeo list-tags works with pull credentials',
      async () => {
        await using fake = await startAzureFake()
        await trust(fake)
        await using registry = await fakeProvider(fake, { credentials: mode })
        const { name } = await registry.createRepository('web-app')
        await fake.seedImage(name, 'v1')
        const puller = await registry.generateCredentials(name, 'pull')
        const listed = await listTags(puller, name)
        expect(JSON.parse(listed.stdout)).toEqual({ Repository: expect.any(String), Tags: ['v1'] })
      },
      TIMEOUT,
    )
  },
)

describe('tag listing in repository-token mode', () => {
  it(
    'needs metadata/read: pull credentials whose scope map lost it pull, but cannot list tags',
    async () => {
      await using fake = await startAzureFake()
      await trust(fake)
      await using registry = await fakeProvider(fake, { credentials: 'repository-token' })
      const { name } = await registry.createRepository('web-app')
      await fake.seedImage(name, 'v1')
      const puller = await registry.generateCredentials(name, 'pull')
      const map = fake.getScopeMaps().find((m) => m.name === 'web-app--pull')
      if (map === undefined) throw new Error('no pull scope map')
      map.actions = map.actions.filter((a) => !a.endsWith('/metadata/read'))
      const refused = await workspace.skopeo.fails(
        'list-tags',
        ...tlsArgs,
        ...(await workspace.login(puller)),
        `docker://${puller.registry}/${name}`,
      )
      expect(refused.stderr).toMatch(/unauthorized|authentication required|401/i)
      // Reading the image itself goes by content/read alone (--no-tags: inspect lists tags too).
      const pulled = await workspace.skopeo.run(
        'inspect',
        '--no-tags',
        ...tlsArgs,
        ...(await workspace.login(puller)),
        `docker://${puller.registry}/${name}:v1`,
      )
      expect(JSON.parse(pulled.stdout)).toMatchObject({ Digest: expect.any(String) })
    },
    TIMEOUT,
  )
})
