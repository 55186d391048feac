import { join } from 'node:path'
import {
  type ArtifactRegistryCredentials,
  createArtifactRegistry,
  parseBinding,
} from '@artifact-registry/core'
import { requireTool, type SkopeoWorkspace, skopeoWorkspace } from '@artifact-registry/test-kit'
import { startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { fromBinding } from '../src/index.js'
import { deprovision, provision } from '../src/provision/index.js'
import { PROJECT } from './helpers.js'
import { freshRepositoryId, provisionOptions, repositoryResource } from './provision-helpers.js'

// The whole life of a provisioned GAR repository against a fake that starts empty: provision,
// the runtime built from the binding pushes and pulls with skopeo through the accounts
// provisioning made (impersonated through the token creator grant, let in by the repository
// grants), then deprovision with force leaves nothing behind.

const TIMEOUT_MS = 90_000
const fake = await startGcpFake()
let workspace: SkopeoWorkspace
beforeAll(async () => {
  const missing = requireTool('skopeo')
  if (missing !== undefined) throw new Error(missing)
  workspace = await skopeoWorkspace('provider-gcp-provision-')
})
afterAll(async () => {
  await fake.close()
  await workspace?.[Symbol.asyncDispose]()
})

/** `skopeo copy` arguments from `from` to `to`, logged in with `credentials`, TLS off. */
async function copy(credentials: ArtifactRegistryCredentials, from: string, to: string) {
  const tls = from.startsWith('docker://') ? '--src-tls-verify=false' : '--dest-tls-verify=false'
  return [tls, ...(await workspace.login(credentials)), from, to]
}

it(
  'provision, then push and pull through the binding, then deprovision with force: nothing left',
  async () => {
    const repository = freshRepositoryId()
    const options = provisionOptions(fake, repository)
    const { binding } = await provision(options)
    expect(fake.getServiceAccounts()).toEqual([
      binding.pullServiceAccount,
      binding.pushServiceAccount,
    ])

    // What createArtifactRegistry builds from the binding; the fake's wiring added for the test.
    await using loaded = await createArtifactRegistry(binding)
    expect(loaded.platform).toBe('gcp')
    await using registry = await fromBinding(
      parseBinding(binding) as typeof binding,
      fake.providerOptions(),
    )
    const { name } = await registry.createRepository('app')
    const push = await registry.generateCredentials(name, 'push-pull')
    const pull = await registry.generateCredentials(name, 'pull')
    expect(fake.tokens.map((t) => t.serviceAccount)).toEqual([
      binding.pushServiceAccount,
      binding.pullServiceAccount,
    ])
    const image = `docker://${push.registry}/${name}:v1`
    await workspace.skopeo.run('copy', ...(await copy(push, workspace.image.reference, image)))
    const layout = `oci:${join(workspace.dir, 'pulled')}:v1`
    await workspace.skopeo.run('copy', ...(await copy(pull, image, layout)))
    // The pull account reads only.
    const refused = await workspace.skopeo.fails(
      'copy',
      ...(await copy(pull, workspace.image.reference, `docker://${pull.registry}/${name}:v2`)),
    )
    expect(refused.stderr).toMatch(/denied|unauthorized|forbidden|\b40[13]\b/i)

    const { changes } = await deprovision({ ...options, force: true })
    expect(changes.map((c) => [c.action, c.kind])).toEqual([
      ['delete', 'gar-repository'],
      ['delete', 'service-account'],
      ['delete', 'service-account'],
    ])
    expect(fake.getRepositories()).toEqual([])
    expect(fake.getServiceAccounts()).toEqual([])
    expect(fake.getImagePaths(repositoryResource(repository))).toEqual([])
    const gone = await workspace.skopeo.fails('copy', ...(await copy(push, image, layout)))
    expect(gone.stderr).toMatch(/denied|unauthorized|forbidden|\b40[13]\b|not found/i)
    expect(binding.pullServiceAccount).toContain(`@${PROJECT}.iam.gserviceaccount.com`)
  },
  TIMEOUT_MS,
)

it(
  'credentials minted before a deprovision stay refused once the same names are provisioned again',
  async () => {
    const repository = freshRepositoryId()
    const options = provisionOptions(fake, repository)
    const { binding } = await provision(options)
    const connect = () => fromBinding(binding, fake.providerOptions())
    await using before = await connect()
    const { name } = await before.createRepository('app')
    const oldPush = await before.generateCredentials(name, 'push-pull')
    const oldPull = await before.generateCredentials(name, 'pull')
    await deprovision({ ...options, force: true })

    // The same GAR repository id and account emails, made anew: new accounts, which IAM treats
    // as other identities than the deleted ones, with the grants provisioning gives them.
    const again = await provision(options)
    expect(again.binding).toEqual(binding)
    await using after = await connect()
    const image = `docker://${oldPush.registry}/${name}:v1`
    const stale = await workspace.skopeo.fails(
      'copy',
      ...(await copy(oldPush, workspace.image.reference, image)),
    )
    expect(stale.stderr).toMatch(/unauthorized|\b401\b/i)
    const push = await after.generateCredentials(name, 'push-pull')
    await workspace.skopeo.run('copy', ...(await copy(push, workspace.image.reference, image)))
    const layout = `oci:${join(workspace.dir, 'stale-pull')}:v1`
    const read = await workspace.skopeo.fails('copy', ...(await copy(oldPull, image, layout)))
    expect(read.stderr).toMatch(/unauthorized|\b401\b/i)
    await deprovision({ ...options, force: true })
  },
  TIMEOUT_MS,
)
