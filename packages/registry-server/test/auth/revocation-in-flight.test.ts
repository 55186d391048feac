import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { basicAuth, sha256 } from '@artifact-registry/test-kit'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type LocalRegistry, type MintedCredential, startLocalRegistry } from '../../src/index.js'
import { RegistryStore } from '../../src/storage/registry-store.js'
import { imageIndex } from '../support/content.js'
import { pushBlob, pushImage } from '../support/push.js'

// A request is authorized when it arrives, but its body may take hours. What it would write must
// not land once its credential was revoked or expired, or its repository deleted, meanwhile.

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const admin = basicAuth(ADMIN.username, ADMIN.password)
const basic = (cred: MintedCredential): string => basicAuth(cred.username, cred.password)
// An image index of no manifests: a manifest that needs no blob.
const INDEX = Buffer.from(imageIndex([]).bytes)

/** A request whose body is sent in two parts: the first now, the rest when `finish` is called. */
function heldRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: Buffer,
): { finish(): Promise<number> } {
  // A connection of its own (no agent), so each test is about one request's long body. Once in a
  // full CI run, the 201 test below hung for 30 s, its request possibly on a keep-alive connection
  // that an earlier held request (answered 401) had used; that was not reproduced alone.
  const req = request(url, {
    method,
    agent: false,
    headers: { ...headers, 'content-length': body.length },
  })
  const status = new Promise<number>((resolve, reject) => {
    req.once('response', (res) => {
      res.resume()
      res.once('end', () => resolve(res.statusCode ?? 0))
    })
    req.once('error', reject)
  })
  req.write(body.subarray(0, 10))
  return {
    finish: () => {
      req.end(body.subarray(10))
      return status
    },
  }
}

let dir: string
let registry: LocalRegistry
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'revocation-in-flight-'))
  registry = await startLocalRegistry({ dataDir: join(dir, 'data'), adminCredentials: ADMIN })
})
afterAll(async () => {
  await registry.close()
  await rm(dir, { recursive: true, force: true })
})

let counter = 0
const freshRepo = (): string => `inflight/app${++counter}`
const status = async (path: string, authorization = admin, method = 'GET'): Promise<number> => {
  const res = await fetch(`${registry.url}${path}`, { method, headers: { authorization } })
  await res.arrayBuffer()
  return res.status
}
const sessions = async (): Promise<number> => (await readdir(join(dir, 'data', 'uploads'))).length

/** Ways a credential stops working while its request is still sending. */
const ENDINGS: [string, (repository: string, cred: MintedCredential) => Promise<void>][] = [
  [
    'revoked',
    async (_, cred) => void (await registry.revokeCredentials({ username: cred.username })),
  ],
  [
    'expired',
    async (_, cred) => {
      await new Promise((r) => setTimeout(r, cred.expiresAt.getTime() - Date.now() + 200))
    },
  ],
  [
    'its repository deleted',
    async (repository) => {
      expect(await status(`/_artifact-registry/repositories/${repository}`, admin, 'DELETE')).toBe(
        202,
      )
    },
  ],
]

describe.each(ENDINGS)('a request whose credential is %s while it sends', (_, end) => {
  it('writes no manifest (401)', async () => {
    const repository = freshRepo()
    const cred = await registry.generateCredentials(repository, 'push-pull', 3)
    const put = heldRequest(
      `${registry.url}/v2/${repository}/manifests/planted`,
      'PUT',
      { authorization: basic(cred), 'content-type': 'application/vnd.oci.image.index.v1+json' },
      INDEX,
    )
    // Nothing shows the manifest request being handled: give it time to be authorized.
    await new Promise((r) => setTimeout(r, 500))
    await end(repository, cred)
    expect(await put.finish()).toBe(401)
    expect(await status(`/v2/${repository}/manifests/planted`)).toBe(404)
  })

  it('links no blob, and leaves no session behind (401)', async () => {
    const repository = freshRepo()
    const cred = await registry.generateCredentials(repository, 'push-pull', 3)
    const blob = randomBytes(64 * 1024)
    const before = await sessions()
    const post = heldRequest(
      `${registry.url}/v2/${repository}/blobs/uploads/?digest=${sha256(blob)}`,
      'POST',
      { authorization: basic(cred), 'content-type': 'application/octet-stream' },
      blob,
    )
    // The session exists once the request was authorized.
    await vi.waitFor(async () => expect(await sessions()).toBe(before + 1), { timeout: 2500 })
    await end(repository, cred)
    expect(await post.finish()).toBe(401)
    expect(await status(`/v2/${repository}/blobs/${sha256(blob)}`, admin, 'HEAD')).toBe(404)
    expect(await sessions()).toBe(before)
  })
})

it('a PATCH still streaming when its credential is revoked stops after the write under way (401)', async () => {
  const repository = freshRepo()
  const cred = await registry.generateCredentials(repository, 'push-pull', 60)
  const started = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers: { authorization: basic(cred) },
  })
  const location = new URL(started.headers.get('location') ?? '', registry.url)
  // A body of unknown length (chunked), sent a piece at a time until the server answers.
  const req = request(location, {
    method: 'PATCH',
    headers: { authorization: basic(cred), 'content-type': 'application/octet-stream' },
  })
  req.on('error', () => {})
  let answer: number | undefined
  const answered = new Promise<number>((resolve) => {
    req.once('response', (res) => {
      res.resume()
      answer = res.statusCode ?? 0
      resolve(answer)
    })
  })
  const piece = randomBytes(256 * 1024)
  const pieces = 64
  let sent = 0
  for (let i = 0; i < pieces && answer === undefined; i++) {
    if (i === 8) await registry.revokeCredentials({ username: cred.username })
    req.write(piece)
    sent += 1
    await new Promise((r) => setTimeout(r, 20))
  }
  // Before, the whole body was written and the PATCH answered 202.
  req.end()
  expect(await answered).toBe(401)
  expect(sent).toBeLessThan(pieces)
})

it('a request whose credential still holds commits as usual (201)', async () => {
  const repository = freshRepo()
  const cred = await registry.generateCredentials(repository, 'push-pull', 60)
  const put = heldRequest(
    `${registry.url}/v2/${repository}/manifests/kept`,
    'PUT',
    { authorization: basic(cred), 'content-type': 'application/vnd.oci.image.index.v1+json' },
    INDEX,
  )
  await new Promise((r) => setTimeout(r, 200))
  expect(await put.finish()).toBe(201)
  expect(await status(`/v2/${repository}/manifests/kept`, basic(cred))).toBe(200)
})

describe('the second question is asked outside every lock', () => {
  it('a slow authorize hook holds up its own commit only, not a collection nor other pushes', async () => {
    let opened: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      opened = resolve
    })
    let slowAsked = 0
    await using gated = await startLocalRegistry({
      authorize: async ({ access }) => {
        if (access.some((a) => a.name === 'gate/slow') && ++slowAsked === 2) await gate
        return { ok: true, subject: 'anyone' }
      },
    })
    const put = (repository: string): Promise<number> =>
      fetch(`${gated.url}/v2/${repository}/manifests/v1`, {
        method: 'PUT',
        headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
        body: INDEX,
      }).then(async (res) => {
        await res.arrayBuffer()
        return res.status
      })
    const slow = put('gate/slow')
    await vi.waitFor(() => expect(slowAsked).toBe(2), { timeout: 5000 })
    // Held at its second question: a collection and another repository's push go on meanwhile.
    const collected = gated.collectGarbage()
    expect(await put('gate/other')).toBe(201)
    await collected
    opened()
    expect(await slow).toBe(201)
  })
})

describe('a revocation between the second question and the write', () => {
  it('is seen under the repository lock: the write is refused (401)', async () => {
    const repository = freshRepo()
    const cred = await registry.generateCredentials(repository, 'push-pull', 60)
    // Holds the write after the second question was answered, until the credential is revoked.
    let reached: () => void = () => {}
    const atWrite = new Promise<void>((resolve) => {
      reached = resolve
    })
    let revoked: () => void = () => {}
    const revocation = new Promise<void>((resolve) => {
      revoked = resolve
    })
    const original = RegistryStore.prototype.putManifest
    const held = vi
      .spyOn(RegistryStore.prototype, 'putManifest')
      .mockImplementation(async function (this: RegistryStore, ...args) {
        reached()
        await revocation
        return original.apply(this, args)
      })
    try {
      const put = fetch(`${registry.url}/v2/${repository}/manifests/raced`, {
        method: 'PUT',
        headers: {
          authorization: basic(cred),
          'content-type': 'application/vnd.oci.image.index.v1+json',
        },
        body: INDEX,
      })
      await atWrite
      await registry.revokeCredentials({ username: cred.username })
      revoked()
      expect((await put).status).toBe(401)
    } finally {
      held.mockRestore()
    }
    expect(await status(`/v2/${repository}/manifests/raced`)).toBe(404)
  })
})

// A request without a body is authorized when it arrives, but may then wait for the repository's
// lock (behind another write of the repository, or a garbage collection) before it writes.
describe('a bodiless write held until its credential is revoked, or its repository deleted', () => {
  /**
   * Hold calls of `method` of the store for `repository` (after `after` ran the original, when
   * given): `reached` resolves when one is held, `release` lets it go on.
   */
  function holdStore<K extends 'deleteTag' | 'deleteManifest' | 'unlinkBlob' | 'linkedBlob'>(
    method: K,
    repository: string,
    { after = false } = {},
  ): { reached: Promise<void>; release: () => void; restore: () => void } {
    let reachedNow: () => void = () => {}
    const reached = new Promise<void>((resolve) => {
      reachedNow = resolve
    })
    let release: () => void = () => {}
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    const original = RegistryStore.prototype[method] as (...args: unknown[]) => Promise<unknown>
    let held = false
    const spy = vi.spyOn(RegistryStore.prototype, method).mockImplementation(async function (
      this: RegistryStore,
      ...args: unknown[]
    ) {
      if (held || args[0] !== repository) return original.apply(this, args)
      held = true
      const result = after ? await original.apply(this, args) : undefined
      reachedNow()
      await released
      return after ? result : original.apply(this, args)
    } as never)
    return { reached, release, restore: () => spy.mockRestore() }
  }

  /** What each delete needs pushed first, and the path (under the repository) it deletes. */
  const pushedForDelete = {
    tag: async (repository: string) => {
      await pushImage(registry.url, repository, 'v1', repository, { authorization: admin })
      return 'manifests/v1'
    },
    manifest: async (repository: string) => {
      const digest = await pushImage(registry.url, repository, 'v1', repository, {
        authorization: admin,
      })
      return `manifests/${digest}`
    },
    blob: async (repository: string) => {
      const blob = await pushBlob(registry.url, repository, randomBytes(32), {
        authorization: admin,
      })
      return `blobs/${blob}`
    },
  }

  it.each([
    ['a tag', 'deleteTag', pushedForDelete.tag],
    ['a manifest by digest', 'deleteManifest', pushedForDelete.manifest],
    ['a blob', 'unlinkBlob', pushedForDelete.blob],
  ] as const)('deleting %s deletes nothing (401)', async (_, method, pushed) => {
    const repository = freshRepo()
    const path = await pushed(repository)
    const cred = await registry.generateCredentials(repository, 'push-pull', 60)
    const hold = holdStore(method, repository)
    try {
      const deleted = fetch(`${registry.url}/v2/${repository}/${path}`, {
        method: 'DELETE',
        headers: { authorization: basic(cred) },
      })
      await hold.reached
      await registry.revokeCredentials({ username: cred.username })
      hold.release()
      // Before, the delete landed after the revocation and answered 202.
      expect((await deleted).status).toBe(401)
    } finally {
      hold.restore()
    }
    expect(await status(`/v2/${repository}/${path}`, admin, 'HEAD')).toBe(200)
  })

  it('a mount links nothing into the deleted repository (401)', async () => {
    const repository = freshRepo()
    const blob = await pushBlob(registry.url, repository, randomBytes(32), {
      authorization: admin,
    })
    const cred = await registry.generateCredentials(repository, 'push-pull', 60)
    // Held after the mount found the blob in `from`, before it links it.
    const hold = holdStore('linkedBlob', repository, { after: true })
    try {
      const mounted = fetch(
        `${registry.url}/v2/${repository}/blobs/uploads/?mount=${blob}&from=${repository}`,
        { method: 'POST', headers: { authorization: basic(cred) } },
      )
      await hold.reached
      expect(await status(`/_artifact-registry/repositories/${repository}`, admin, 'DELETE')).toBe(
        202,
      )
      hold.release()
      // Before, the mount answered 201 and linked the blob into the repository just deleted.
      expect((await mounted).status).toBe(401)
    } finally {
      hold.restore()
    }
    expect(await status(`/v2/${repository}/blobs/${blob}`, admin, 'HEAD')).toBe(404)
    expect(await status(`/v2/${repository}/tags/list`)).toBe(404)
  })
})
