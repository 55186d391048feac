import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { basicAuth } from '@artifact-registry/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalRegistry, type MintedCredential, startLocalRegistry } from '../../src/index.js'
import { pushBlob, pushImage } from '../support/push.js'
import { headManifest, requestToken, tokenFor } from '../support/tokens.js'

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const admin = basicAuth(ADMIN.username, ADMIN.password)
const basic = (cred: MintedCredential): string => basicAuth(cred.username, cred.password)
let counter = 0
const freshRepo = (): string => `revoke/app${++counter}`

/** Post to the admin revocation endpoint. */
async function revokeOverHttp(
  url: string,
  body: unknown,
  authorization = admin,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}/_artifact-registry/credentials/revoke`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: res.status, body: await res.json() }
}

describe('revocation on our registry', () => {
  let registry: LocalRegistry
  beforeAll(async () => {
    registry = await startLocalRegistry({ adminCredentials: ADMIN })
  })
  afterAll(() => registry.close())

  const deleteRepository = async (repository: string): Promise<void> => {
    const res = await fetch(`${registry.url}/_artifact-registry/repositories/${repository}`, {
      method: 'DELETE',
      headers: { authorization: admin },
    })
    expect(res.status).toBe(202)
  }
  const startUpload = (repository: string, authorization: string): Promise<number> =>
    fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization },
    }).then((res) => res.status)

  it('after the admin deletes a repository, its push-pull credential uploads nothing more there', async () => {
    const repo = freshRepo()
    await pushImage(registry.url, repo, 'v1', 'before delete', { authorization: admin })
    const push = await registry.generateCredentials(repo, 'push-pull', 300)
    await pushBlob(registry.url, repo, Buffer.from('allowed before'), {
      authorization: basic(push),
    })

    await deleteRepository(repo)

    expect(await startUpload(repo, basic(push))).toBe(401)
    await expect(
      pushBlob(registry.url, repo, Buffer.from('refused after'), { authorization: basic(push) }),
    ).rejects.toThrow(/401/)
  })

  it('re-created under the same name, the repository refuses the old pull, push and delete credentials and the old token', async () => {
    const repo = freshRepo()
    await pushImage(registry.url, repo, 'v1', 'first life', { authorization: admin })
    const pull = await registry.generateCredentials(repo, 'pull', 300)
    const push = await registry.generateCredentials(repo, 'push-pull', 300)
    const token = await tokenFor(
      `${registry.url}/token`,
      basic(push),
      `repository:${repo}:pull,push,delete`,
    )
    expect(await headManifest(registry.url, repo, 'v1', `Bearer ${token}`)).toBe(200)

    await deleteRepository(repo)
    await pushImage(registry.url, repo, 'v1', 'second life', { authorization: admin })

    expect(await headManifest(registry.url, repo, 'v1', basic(pull))).toBe(401)
    expect(await headManifest(registry.url, repo, 'v1', `Bearer ${token}`)).toBe(401)
    expect(await startUpload(repo, basic(push))).toBe(401)
    const deleted = await fetch(`${registry.url}/v2/${repo}/manifests/v1`, {
      method: 'DELETE',
      headers: { authorization: basic(push) },
    })
    expect(deleted.status).toBe(401)
    expect(await headManifest(registry.url, repo, 'v1', admin)).toBe(200)
    // The old credentials get no new token either; a credential of the new life does.
    expect(
      (await requestToken(`${registry.url}/token`, basic(pull), `repository:${repo}:pull`)).status,
    ).toBe(401)
    const fresh = await registry.generateCredentials(repo, 'pull', 300)
    expect(await headManifest(registry.url, repo, 'v1', basic(fresh))).toBe(200)
  })

  it('revokeCredentials({ username }) revokes that credential and its tokens, and no other', async () => {
    const repo = freshRepo()
    await pushImage(registry.url, repo, 'v1', 'by username', { authorization: admin })
    const revoked = await registry.generateCredentials(repo, 'pull', 300)
    const kept = await registry.generateCredentials(repo, 'pull', 300)
    const token = await tokenFor(`${registry.url}/token`, basic(revoked), `repository:${repo}:pull`)

    expect(await registry.revokeCredentials({ username: revoked.username })).toBe(1)

    expect(await headManifest(registry.url, repo, 'v1', basic(revoked))).toBe(401)
    expect(await headManifest(registry.url, repo, 'v1', `Bearer ${token}`)).toBe(401)
    expect(
      (await requestToken(`${registry.url}/token`, basic(revoked), `repository:${repo}:pull`))
        .status,
    ).toBe(401)
    expect(await headManifest(registry.url, repo, 'v1', basic(kept))).toBe(200)
    // Revoking it again finds nothing to revoke.
    expect(await registry.revokeCredentials({ username: revoked.username })).toBe(0)
  })

  it('revokeCredentials({ repository }) revokes every credential of that repository, and no other', async () => {
    const repo = freshRepo()
    const other = freshRepo()
    await pushImage(registry.url, repo, 'v1', 'by repository', { authorization: admin })
    await pushImage(registry.url, other, 'v1', 'untouched', { authorization: admin })
    const pull = await registry.generateCredentials(repo, 'pull', 300)
    const push = await registry.generateCredentials(repo, 'push-pull', 300)
    const elsewhere = await registry.generateCredentials(other, 'pull', 300)

    expect(await registry.revokeCredentials({ repository: repo })).toBe(2)

    expect(await headManifest(registry.url, repo, 'v1', basic(pull))).toBe(401)
    expect(await headManifest(registry.url, repo, 'v1', basic(push))).toBe(401)
    expect(await headManifest(registry.url, other, 'v1', basic(elsewhere))).toBe(200)
    // The repository itself is untouched.
    expect(await headManifest(registry.url, repo, 'v1', admin)).toBe(200)
  })

  it('revoking or deleting a repository leaves the credentials of names that merely start with it', async () => {
    const repo = freshRepo()
    // Both begin with the revoked name; neither is that repository.
    const longer = `${repo}-staging`
    const nested = `${repo}/sub`
    for (const name of [repo, longer, nested])
      await pushImage(registry.url, name, 'v1', name, { authorization: admin })
    const own = await registry.generateCredentials(repo, 'pull', 300)
    const longerPull = await registry.generateCredentials(longer, 'pull', 300)
    const nestedPush = await registry.generateCredentials(nested, 'push-pull', 300)

    expect(await registry.revokeCredentials({ repository: repo })).toBe(1)
    expect(await headManifest(registry.url, repo, 'v1', basic(own))).toBe(401)
    expect(await headManifest(registry.url, longer, 'v1', basic(longerPull))).toBe(200)
    expect(await headManifest(registry.url, nested, 'v1', basic(nestedPush))).toBe(200)

    // The admin's repository delete revokes by repository too.
    await deleteRepository(repo)
    expect(await headManifest(registry.url, longer, 'v1', basic(longerPull))).toBe(200)
    expect(await startUpload(nested, basic(nestedPush))).toBe(202)
  })

  it('revokeCredentials({ username, namespace }) revokes only a credential of that namespace, in process and over HTTP', async () => {
    const repo = `team-a/app${++counter}`
    // `team-ab/` starts with `team-a` but is another namespace: the check needs its separator.
    const neighbour = `team-ab/app${++counter}`
    await pushImage(registry.url, repo, 'v1', 'inside', { authorization: admin })
    await pushImage(registry.url, neighbour, 'v1', 'outside', { authorization: admin })
    const inside = await registry.generateCredentials(repo, 'pull', 300)
    const outside = await registry.generateCredentials(neighbour, 'pull', 300)
    const outsideOverHttp = await registry.generateCredentials(neighbour, 'push-pull', 300)

    expect(
      await registry.revokeCredentials({ username: outside.username, namespace: 'team-a' }),
    ).toBe(0)
    expect(
      await revokeOverHttp(registry.url, {
        username: outsideOverHttp.username,
        namespace: 'team-a',
      }),
    ).toEqual({ status: 200, body: { revoked: 0 } })
    expect(await headManifest(registry.url, neighbour, 'v1', basic(outside))).toBe(200)
    expect(await headManifest(registry.url, neighbour, 'v1', basic(outsideOverHttp))).toBe(200)

    expect(
      await registry.revokeCredentials({ username: inside.username, namespace: 'team-a' }),
    ).toBe(1)
    expect(await headManifest(registry.url, repo, 'v1', basic(inside))).toBe(401)
    expect(
      await revokeOverHttp(registry.url, { username: outside.username, namespace: 'team-ab' }),
    ).toEqual({ status: 200, body: { revoked: 1 } })
    expect(await headManifest(registry.url, neighbour, 'v1', basic(outside))).toBe(401)
  })

  it('revokeCredentials({ namespace }) revokes every credential under it, held or not, and no other', async () => {
    const held = `team-n/app${++counter}`
    // A name that holds nothing, so is in no catalog: its credential still pushes there.
    const empty = `team-n/empty${++counter}`
    const neighbour = `team-nb/app${++counter}`
    await pushImage(registry.url, held, 'v1', 'held', { authorization: admin })
    await pushImage(registry.url, neighbour, 'v1', 'outside', { authorization: admin })
    const pull = await registry.generateCredentials(held, 'pull', 300)
    const push = await registry.generateCredentials(empty, 'push-pull', 300)
    const outside = await registry.generateCredentials(neighbour, 'pull', 300)
    const uploadAs = (credential: MintedCredential) =>
      fetch(`${registry.url}/v2/${empty}/blobs/uploads/`, {
        method: 'POST',
        headers: { authorization: basic(credential) },
      }).then((res) => res.status)
    expect(await uploadAs(push)).toBe(202)

    expect(await registry.revokeCredentials({ namespace: 'team-n' })).toBe(2)
    expect(await revokeOverHttp(registry.url, { namespace: 'team-n' })).toEqual({
      status: 200,
      body: { revoked: 0 },
    })
    expect(await headManifest(registry.url, held, 'v1', basic(pull))).toBe(401)
    expect(await uploadAs(push)).toBe(401)
    expect(await headManifest(registry.url, neighbour, 'v1', basic(outside))).toBe(200)
    await expect(registry.revokeCredentials({ namespace: 'Not A Name' })).rejects.toThrow(
      /valid repository name/,
    )
  })

  it('POST /_artifact-registry/credentials/revoke revokes by username or repository, for the admin only', async () => {
    const repo = freshRepo()
    await pushImage(registry.url, repo, 'v1', 'over http', { authorization: admin })
    const one = await registry.generateCredentials(repo, 'pull', 300)
    const two = await registry.generateCredentials(repo, 'push-pull', 300)

    const byCredential = await revokeOverHttp(registry.url, { username: two.username }, basic(two))
    expect(byCredential.status).toBe(403)
    expect(byCredential.body).toMatchObject({ errors: [{ code: 'DENIED' }] })
    const anonymous = await fetch(`${registry.url}/_artifact-registry/credentials/revoke`, {
      method: 'POST',
      body: JSON.stringify({ username: one.username }),
    })
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /)
    expect(await anonymous.json()).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] })
    expect(await headManifest(registry.url, repo, 'v1', basic(one))).toBe(200)

    expect(await revokeOverHttp(registry.url, { username: one.username })).toEqual({
      status: 200,
      body: { revoked: 1 },
    })
    expect(await headManifest(registry.url, repo, 'v1', basic(one))).toBe(401)
    expect(await headManifest(registry.url, repo, 'v1', basic(two))).toBe(200)
    expect(await revokeOverHttp(registry.url, { repository: repo })).toEqual({
      status: 200,
      body: { revoked: 1 },
    })
    expect(await headManifest(registry.url, repo, 'v1', basic(two))).toBe(401)
  })

  it('the endpoint answers a body that names neither, or both, with 400 and an OCI error', async () => {
    for (const body of [
      {},
      { username: 'cred-x', repository: 'a/b' },
      { username: 'cred-x', namespace: 'Not A Name' },
      { username: 'cred-x', namespace: 7 },
      { repository: 'a/b', namespace: 'a' },
      { repository: 'Not A Name' },
      { username: '' },
      'not json',
      'null',
    ]) {
      const answer = await revokeOverHttp(registry.url, body)
      expect(answer.status, JSON.stringify(body)).toBe(400)
      expect(answer.body).toMatchObject({ errors: [{ code: 'UNSUPPORTED' }] })
    }
    const get = await fetch(`${registry.url}/_artifact-registry/credentials/revoke`, {
      headers: { authorization: admin },
    })
    expect(get.status).toBe(405)
  })

  it('revokeCredentials with neither or both is a TypeError, and so is it without auth', async () => {
    await expect(registry.revokeCredentials({} as never)).rejects.toThrow(TypeError)
    await expect(
      registry.revokeCredentials({ username: 'cred-x', repository: 'a/b' } as never),
    ).rejects.toThrow(TypeError)
    await expect(registry.revokeCredentials({ repository: 'UPPER/case' })).rejects.toThrow(
      /valid repository name/,
    )
    await using open = await startLocalRegistry()
    await expect(open.revokeCredentials({ repository: 'a/b' })).rejects.toThrow(
      /needs adminCredentials/,
    )
  })

  it('a revocation survives a restart on the same data directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'registry-revoke-'))
    try {
      let revoked: MintedCredential
      let kept: MintedCredential
      {
        await using first = await startLocalRegistry({ dataDir: dir, adminCredentials: ADMIN })
        await pushImage(first.url, 'keep/app', 'v1', 'restart', { authorization: admin })
        revoked = await first.generateCredentials('keep/app', 'pull', 600)
        kept = await first.generateCredentials('keep/app', 'pull', 600)
        await first.revokeCredentials({ username: revoked.username })
      }
      await using restarted = await startLocalRegistry({ dataDir: dir, adminCredentials: ADMIN })
      expect(await headManifest(restarted.url, 'keep/app', 'v1', basic(revoked))).toBe(401)
      expect(await headManifest(restarted.url, 'keep/app', 'v1', basic(kept))).toBe(200)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
