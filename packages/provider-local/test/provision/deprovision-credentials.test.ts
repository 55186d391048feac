import { basicAuth } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'
import { MARKER_DIGEST } from '../../src/marker.js'
import { deprovision } from '../../src/provision/index.js'
import { startAdminRegistry } from './support.js'

// A push-pull credential may delete manifests, the repository's marker among them (a cleanup of
// untagged manifests does): the repository is then gone for getRepository, but its name stays in
// the catalog and its credentials stay live. Deprovision must not leave them able to push.
describe('deprovision({ url }) revokes the credentials of a name left without a repository', () => {
  it('revokes them (a delete of local-credentials), and a second run finds nothing', async () => {
    await using target = await startAdminRegistry()
    const options = { url: target.url, bindingName: 'team', adminPassword: target.admin.password }
    await using runtime = await local({
      url: target.url,
      bindingName: 'team',
      adminCredentials: target.admin,
    })
    await runtime.createRepository('web')
    const credential = await runtime.generateCredentials('team/web', 'push-pull')
    const authorization = basicAuth(credential.username, credential.password)
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
})
