import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startLocalRegistry, startTokenService } from '../../src/index.js'
import { ageBlobs } from '../maintenance/blobs-on-disk.js'
import { imageManifest, pushBlob, sha256 } from '../support/push.js'

const ADMIN = { username: 'admin', password: 'closed-registry-admin-password' }
const basic = (username: string, password: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
})
const AS_ADMIN = basic(ADMIN.username, ADMIN.password)
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json'

let dataDir: string
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'closed-registry-'))
})
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

function start() {
  return startLocalRegistry({
    dataDir,
    adminCredentials: ADMIN,
    logLevel: 'silent',
    gcGracePeriodSeconds: 1,
  })
}

// Once closed, a registry has let go of its data directory, which another one may serve by now:
// what the closed one still did there rested on its own, stale, view of the store. A collection
// deleted blobs the new one's manifests reference; a revocation was written where the new one
// never read it, and the credential still worked, though the call said it was revoked.
describe('a closed registry touches its data directory no more', () => {
  it('collectGarbage, generateCredentials and revokeCredentials reject once it is closed', async () => {
    const first = await start()
    const layer = Buffer.from('a layer pushed long before its manifest')
    const layerDigest = await pushBlob(first.url, 'team/app', layer, AS_ADMIN)
    const config = Buffer.from('{}')
    const configDigest = await pushBlob(first.url, 'team/app', config, AS_ADMIN)
    await ageBlobs(dataDir, [layerDigest, configDigest], new Date(Date.now() - 3600_000))
    const credential = await first.generateCredentials('team/app', 'pull', 3600)
    await first.close()

    await using second = await start()
    const manifest = imageManifest({ digest: configDigest, size: config.byteLength }, [
      { digest: layerDigest, size: layer.byteLength },
    ])
    const put = await fetch(`${second.url}/v2/team/app/manifests/v1`, {
      method: 'PUT',
      body: manifest,
      headers: { ...AS_ADMIN, 'content-type': MANIFEST_TYPE },
    })
    expect(put.status).toBe(201)

    const outcome = async (call: Promise<unknown>): Promise<string> =>
      call.then(
        () => 'done',
        (error: Error) => error.message,
      )
    const calls = {
      collectGarbage: await outcome(first.collectGarbage()),
      revokeCredentials: await outcome(first.revokeCredentials({ username: credential.username })),
      generateCredentials: await outcome(first.generateCredentials('team/app', 'pull', 60)),
    }

    // The image the running registry acknowledged is whole…
    const blob = await fetch(`${second.url}/v2/team/app/blobs/${layerDigest}`, {
      headers: AS_ADMIN,
    })
    expect(blob.status).toBe(200)
    expect(sha256(Buffer.from(await blob.arrayBuffer()))).toBe(layerDigest)
    // …and the closed registry said what it did: nothing.
    expect(calls).toEqual({
      collectGarbage: 'the registry is closed',
      revokeCredentials: 'the registry is closed',
      generateCredentials: 'the registry is closed',
    })
    // The credential, never revoked, works.
    const tags = await fetch(`${second.url}/v2/team/app/tags/list`, {
      headers: basic(credential.username, credential.password),
    })
    expect(tags.status).toBe(200)
  })

  it('the token service: generateCredentials and revokeCredentials reject once it is closed', async () => {
    const first = await startTokenService({ dataDir, admin: ADMIN, logLevel: 'silent' })
    const credential = await first.generateCredentials('team/app', 'pull', 3600)
    await first.close()
    await expect(first.revokeCredentials({ username: credential.username })).rejects.toThrow(
      'the token service is closed',
    )
    await expect(first.generateCredentials('team/app', 'pull', 60)).rejects.toThrow(
      'the token service is closed',
    )
  })
})
