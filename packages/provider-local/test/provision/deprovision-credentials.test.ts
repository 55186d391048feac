import { randomBytes } from 'node:crypto'
import { startLocalRegistry } from '@artifact-registry/registry-server'
import { basicAuth } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'
import { EMPTY_BLOB_DIGEST, MARKER_DIGEST } from '../../src/marker.js'
import { deprovision } from '../../src/provision/index.js'
import { countingProxy } from '../support/counting-proxy.js'
import { startAdminRegistry } from './support.js'

// A push-pull credential may delete manifests, the repository's marker among them (a cleanup of
// untagged manifests does): the repository is then gone for getRepository, but its name stays in
// the catalog and its credentials stay live. Deprovision must not leave them able to push.
/**
 * A registry with the repository `team/web` of the binding `team`, a push-pull credential of it
 * (as an Authorization header), and the options that deprovision the binding there.
 */
async function pushCredentialOfTeamWeb() {
  const target = await startAdminRegistry()
  const options = { url: target.url, bindingName: 'team', adminPassword: target.admin.password }
  const runtime = await local({
    url: target.url,
    bindingName: 'team',
    adminCredentials: target.admin,
  })
  await runtime.createRepository('web')
  const credential = await runtime.generateCredentials('team/web', 'push-pull')
  return {
    target,
    options,
    authorization: basicAuth(credential.username, credential.password),
    async [Symbol.asyncDispose]() {
      await runtime.close()
      await target[Symbol.asyncDispose]()
    },
  }
}

describe('deprovision({ url }) revokes the credentials of a name left without a repository', () => {
  it('revokes them (a delete of local-credentials), and a second run finds nothing', async () => {
    await using fixture = await pushCredentialOfTeamWeb()
    const { target, options, authorization } = fixture
    const marker = await fetch(`${target.url}/v2/team/web/manifests/${MARKER_DIGEST}`, {
      method: 'DELETE',
      headers: { authorization },
    })
    expect(marker.status).toBe(202)
    expect(await target.catalog()).toEqual(['team/web'])

    const { changes } = await deprovision(options)
    expect(changes.filter((c) => c.action !== 'unchanged')).toEqual([
      {
        action: 'delete',
        kind: 'local-credentials',
        id: 'team/web',
        detail: expect.stringContaining('1 live credential'),
      },
    ])
    const upload = await fetch(`${target.url}/v2/team/web/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization },
    })
    expect(upload.status).toBe(401)

    const again = await deprovision(options)
    expect(again.changes.filter((c) => c.action !== 'unchanged')).toEqual([])
  })

  // The same credential may unlink the marker's blob too: the name then holds nothing and leaves
  // the catalog, and a deprovision that revoked only the names the catalog lists left it live.
  it('revokes them when the name is gone from the catalog too', async () => {
    await using fixture = await pushCredentialOfTeamWeb()
    const { target, options, authorization } = fixture
    for (const path of [`manifests/${MARKER_DIGEST}`, `blobs/${EMPTY_BLOB_DIGEST}`]) {
      const res = await fetch(`${target.url}/v2/team/web/${path}`, {
        method: 'DELETE',
        headers: { authorization },
      })
      expect(res.status).toBe(202)
    }
    expect(await target.catalog()).toEqual([])

    const { changes } = await deprovision(options)
    expect(changes.filter((c) => c.action !== 'unchanged')).toEqual([
      expect.objectContaining({ action: 'delete', kind: 'local-credentials' }),
    ])
    const upload = await fetch(`${target.url}/v2/team/web/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization },
    })
    expect(upload.status).toBe(401)
  })

  // An older registry refuses `{ namespace }` with 400: said, not passed over as nothing to revoke.
  it('is INVALID_CONFIG asking for an upgrade when the registry cannot revoke by namespace', async () => {
    const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
    // Served for the proxy's public name (its token realm elsewhere): every call goes through it.
    await using registry = await startLocalRegistry({
      adminCredentials: admin,
      publicUrl: 'https://registry.example.test',
      logLevel: 'silent',
    })
    await using proxy = await countingProxy(registry.url, {
      answer: (_, path) => (path === '/_artifact-registry/credentials/revoke' ? 400 : undefined),
    })
    const options = { url: proxy.url, bindingName: 'team', adminPassword: admin.password }
    await expect(deprovision(options)).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining('upgrade it'),
    })
    // A dry run does not revoke, so it does not ask.
    expect((await deprovision({ ...options, dryRun: true })).changes).toBeDefined()
  })
})
