import { mkdtemp, rename, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { ageBlobs } from '../maintenance/blobs-on-disk.js'
import { pushBlob, sha256 } from '../support/push.js'

// A file the store cannot read at this moment (a disk error, too many open files) is not a file
// that is not there. Answered as absent, a blob looked unknown to the client and a chunked upload
// looked expired, so its client started the whole upload again. A path that loops on itself
// (ELOOP) stands in for the failure: it fails for root too, and undoing it restores the file.

const ADMIN = { username: 'admin', password: 'unreadable-storage-admin-password' }
const AS_ADMIN = {
  authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`,
}

let dataDir: string
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'unreadable-storage-'))
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

/** Makes `path` unreadable (a link to itself) until the returned function puts it back. */
async function makeUnreadable(path: string): Promise<() => Promise<void>> {
  await rename(path, `${path}.aside`)
  await symlink(path, path)
  return async () => {
    await rm(path)
    await rename(`${path}.aside`, path)
  }
}

function blobPath(digest: string): string {
  const hex = digest.slice('sha256:'.length)
  return join(dataDir, 'blobs', 'sha256', hex.slice(0, 2), hex)
}

describe('storage that cannot be read for a moment', () => {
  it('a blob answers 500, not BLOB_UNKNOWN, and a collection keeps it and frees the rest', async () => {
    await using registry = await start()
    const kept = await pushBlob(
      registry.url,
      'team/app',
      Buffer.from('unreadable for a while'),
      AS_ADMIN,
    )
    const other = await pushBlob(
      registry.url,
      'team/app',
      Buffer.from('an old unused blob'),
      AS_ADMIN,
    )
    await ageBlobs(dataDir, [kept, other], new Date(Date.now() - 3600_000))
    const restore = await makeUnreadable(blobPath(kept))

    const head = await fetch(`${registry.url}/v2/team/app/blobs/${kept}`, {
      method: 'HEAD',
      headers: AS_ADMIN,
    })
    expect(head.status).toBe(500)
    const collected = await registry.collectGarbage()
    expect(collected.deleted).toBe(1) // the readable one; the other is not looked at, so kept

    await restore()
    const again = await fetch(`${registry.url}/v2/team/app/blobs/${kept}`, { headers: AS_ADMIN })
    expect(again.status).toBe(200)
    expect(sha256(new Uint8Array(await again.arrayBuffer()))).toBe(kept)
  })

  it('a mount from a blob that cannot be read falls back to an upload, which stores it again', async () => {
    // A mount is a shortcut: a registry that cannot mount SHOULD answer 202 and take the upload
    // (distribution spec), and the client has the bytes. A 500 failed the push instead.
    await using registry = await start()
    const bytes = Buffer.from('mounted while unreadable')
    const digest = await pushBlob(registry.url, 'team/source', bytes, AS_ADMIN)
    const restore = await makeUnreadable(blobPath(digest))
    try {
      const mount = await fetch(
        `${registry.url}/v2/team/target/blobs/uploads/?mount=${digest}&from=team/source`,
        { method: 'POST', headers: AS_ADMIN },
      )
      expect(mount.status).toBe(202)
      const done = new URL(mount.headers.get('location') ?? '', registry.url)
      done.searchParams.set('digest', digest)
      const put = await fetch(done, {
        method: 'PUT',
        body: bytes,
        headers: { ...AS_ADMIN, 'content-type': 'application/octet-stream' },
      })
      expect(put.status).toBe(201)
    } finally {
      await restore() // the upload's copy goes for the one set aside: the same bytes
    }
    const pulled = await fetch(`${registry.url}/v2/team/target/blobs/${digest}`, {
      headers: AS_ADMIN,
    })
    expect(pulled.status).toBe(200)
    expect(sha256(new Uint8Array(await pulled.arrayBuffer()))).toBe(digest)
  })

  it('a chunked upload answers 500, not BLOB_UPLOAD_UNKNOWN, and goes on from where it was', async () => {
    await using registry = await start()
    const first = Buffer.from('the first chunk, ')
    const second = Buffer.from('and the second')
    const started = await fetch(`${registry.url}/v2/team/app/blobs/uploads/`, {
      method: 'POST',
      headers: AS_ADMIN,
    })
    expect(started.status).toBe(202)
    let location = new URL(started.headers.get('location') ?? '', registry.url)
    const id = location.pathname.split('/').at(-1) ?? ''
    const patched = await fetch(location, {
      method: 'PATCH',
      body: first,
      headers: {
        ...AS_ADMIN,
        'content-type': 'application/octet-stream',
        'content-range': `0-${first.byteLength - 1}`,
      },
    })
    expect(patched.status).toBe(202)
    location = new URL(patched.headers.get('location') ?? '', registry.url)
    const restore = await makeUnreadable(join(dataDir, 'uploads', id, 'data'))

    const status = await fetch(location, { headers: AS_ADMIN })
    expect(status.status).toBe(500)
    expect(await registry.purgeExpiredUploads()).toBe(0) // not expired: nothing lost either way

    await restore()
    const resumed = await fetch(location, { headers: AS_ADMIN })
    expect(resumed.status).toBe(204)
    expect(resumed.headers.get('range')).toBe(`0-${first.byteLength - 1}`)
    const done = new URL(location)
    done.searchParams.set('digest', sha256(Buffer.concat([first, second])))
    const put = await fetch(done, {
      method: 'PUT',
      body: second,
      headers: { ...AS_ADMIN, 'content-type': 'application/octet-stream' },
    })
    expect(put.status).toBe(201)
  })

  it('a session that cannot be read when the registry starts does not keep it from starting', async () => {
    const first = await start()
    const started = await fetch(`${first.url}/v2/team/app/blobs/uploads/`, {
      method: 'POST',
      headers: AS_ADMIN,
    })
    expect(started.status).toBe(202)
    const location = started.headers.get('location') ?? ''
    const id = location.split('/').at(-1) ?? ''
    await first.close()
    const restore = await makeUnreadable(join(dataDir, 'uploads', id, 'meta.json'))

    await using second = await start()
    expect((await fetch(new URL(location, second.url), { headers: AS_ADMIN })).status).toBe(500)
    await restore()
    expect((await fetch(new URL(location, second.url), { headers: AS_ADMIN })).status).toBe(204)
  })
})
