import { stat } from 'node:fs/promises'
import type { ArtifactRegistry, ArtifactRegistryCredentials } from '@artifact-registry/core'
import { createArtifactRegistry } from '@artifact-registry/core'
import {
  deprovision,
  provision,
  resolveBindingPlaceholders,
} from '@artifact-registry/provider-local/provision'
import {
  readLayout,
  requireTool,
  type SkopeoWorkspace,
  skopeoWorkspace,
} from '@artifact-registry/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scratchDirectory, startAdminRegistry } from './support.js'

// provision → the binding → createArtifactRegistry → a repository → credentials → skopeo push
// and pull with them → deprovision({ force: true }) → nothing of the binding's left.

const TIMEOUT = 120_000
// Without skopeo this file fails, never skips: the push and pull are the point.
const missingSkopeo = requireTool('skopeo')
if (missingSkopeo !== undefined) throw new Error(missingSkopeo)

let workspace: SkopeoWorkspace
beforeAll(async () => {
  workspace = await skopeoWorkspace('provider-local-provision-')
})
afterAll(async () => {
  await workspace?.[Symbol.asyncDispose]()
})

function reference(credentials: ArtifactRegistryCredentials, name: string): string {
  return `docker://${credentials.registry}/${name}:v1`
}

/** Push the workspace's image into a new repository with push-pull credentials, pull it back with pull ones. */
async function pushAndPull(registry: ArtifactRegistry, logicalName: string): Promise<string> {
  const { name } = await registry.createRepository(logicalName)
  const pusher = await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 600 })
  await workspace.skopeo.run(
    'copy',
    '--dest-tls-verify=false',
    ...(await workspace.login(pusher)),
    workspace.image.reference,
    reference(pusher, name),
  )
  const puller = await registry.generateCredentials(name, 'pull', { ttlSeconds: 600 })
  const pulled = `${workspace.dir}/pulled-${logicalName}`
  await workspace.skopeo.run(
    'copy',
    '--src-tls-verify=false',
    ...(await workspace.login(puller)),
    reference(puller, name),
    `oci:${pulled}:v1`,
  )
  expect((await readLayout(pulled, 'v1')).images).toEqual(workspace.image.images)
  return name
}

describe('provision → runtime → deprovision', () => {
  it(
    'a registry by URL: the binding reaches it with the admin password from the environment',
    async () => {
      await using target = await startAdminRegistry()
      const { url } = target
      const adminPassword = target.admin.password
      const env = { ARTIFACT_REGISTRY_ADMIN_PASSWORD: adminPassword }
      // #region provision-url
      // url: a registry (artifact-registry-local serve); adminPassword: its admin's password
      const { binding, changes } = await provision({ url, bindingName: 'artifacts', adminPassword })
      // changes: local-registry and admin-credential, both 'unchanged' (checked, nothing made);
      // binding.adminCredentials.password is "${ARTIFACT_REGISTRY_ADMIN_PASSWORD}", never the
      // password. Deployment tooling resolves it; a program can, from process.env or a given env:
      await using registry = await createArtifactRegistry(resolveBindingPlaceholders(binding, env))
      // #endregion
      expect(changes.map((c) => [c.action, c.kind])).toEqual([
        ['unchanged', 'local-registry'],
        ['unchanged', 'admin-credential'],
      ])
      expect(JSON.stringify(binding)).not.toContain(adminPassword)

      const name = await pushAndPull(registry, 'web')
      expect(await target.catalog()).toEqual([name])

      // #region deprovision-url
      // Without force: CONFLICT listing the namespace's repositories, if any remain
      const gone = await deprovision({ url, bindingName: 'artifacts', adminPassword, force: true })
      // #endregion
      expect(gone.changes).toContainEqual({ action: 'delete', kind: 'local-repository', id: name })
      expect(await target.catalog()).toEqual([])
    },
    TIMEOUT,
  )

  it(
    'a data directory: the embedded registry of the binding serves it, and deprovision removes it',
    async () => {
      await using scratch = await scratchDirectory('provider-local-provision-e2e-')
      const dataDir = `${scratch.dir}/registry`
      {
        // #region provision-data-dir
        const { binding, changes } = await provision({ dataDir }) // creates and initialises it
        // binding: { platform: 'local', dataDir, bindingName: 'artifacts' }, an embedded registry
        await using registry = await createArtifactRegistry(binding)
        // #endregion
        expect(changes).toEqual([
          { action: 'create', kind: 'data-directory', id: dataDir, detail: expect.any(String) },
        ])
        await pushAndPull(registry, 'api')
      }
      const gone = await deprovision({ dataDir, force: true })
      expect(gone.changes).toEqual([
        { action: 'delete', kind: 'local-repository', id: 'artifacts/api' },
        { action: 'delete', kind: 'data-directory', id: dataDir, detail: expect.any(String) },
      ])
      await expect(stat(dataDir)).rejects.toMatchObject({ code: 'ENOENT' })
    },
    TIMEOUT,
  )
})
