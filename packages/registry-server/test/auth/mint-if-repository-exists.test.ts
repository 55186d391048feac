import { randomBytes } from 'node:crypto'
import { basicAuth } from '@artifact-registry/test-kit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CredentialStore } from '../../src/auth/credential-store.js'
import {
  type LocalRegistry,
  type MintedCredential,
  startLocalRegistry,
  startTokenService,
} from '../../src/index.js'
import { pushImage } from '../support/push.js'

// A provider mints only for a repository that exists. Checked by the provider and then minted,
// a deletion by another process in between would leave a credential that outlives the delete and
// reaches the repository created again under the name. Asked of the registry, the check and the
// mint are one step, ordered against the deletion's revocations.

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const ADMIN_AUTH = basicAuth(ADMIN.username, ADMIN.password)

async function mintOverHttp(url: string, body: unknown): Promise<Response> {
  return fetch(`${url}/_artifact-registry/credentials`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: ADMIN_AUTH },
    body: JSON.stringify(body),
  })
}

/** Whether the credential still gets into `team/app` (a 200 for its tag list, not a 401). */
async function stillPulls(
  registry: LocalRegistry,
  credential: Pick<MintedCredential, 'username' | 'password'>,
): Promise<boolean> {
  const res = await fetch(`${registry.url}/v2/team/app/tags/list`, {
    headers: { authorization: basicAuth(credential.username, credential.password) },
  })
  await res.body?.cancel()
  if (res.status !== 200 && res.status !== 401 && res.status !== 404)
    throw new Error(`tags/list answered ${res.status}`)
  return res.status !== 401
}

async function deleteRepository(registry: LocalRegistry): Promise<void> {
  const res = await fetch(`${registry.url}/_artifact-registry/repositories/team/app`, {
    method: 'DELETE',
    headers: { authorization: ADMIN_AUTH },
  })
  await res.body?.cancel()
  expect(res.status).toBe(202)
}

describe('minting only for a repository that exists', () => {
  let registry: LocalRegistry
  beforeEach(async () => {
    registry = await startLocalRegistry({ adminCredentials: ADMIN })
  })
  afterEach(() => registry.close())

  it('refuses over HTTP with 404 and no password for a repository that holds nothing', async () => {
    const body = { repository: 'team/app', permission: 'pull', ttlSeconds: 60 }
    const missing = await mintOverHttp(registry.url, { ...body, ifRepositoryExists: true })
    expect(missing.status).toBe(404)
    const text = await missing.text()
    expect(JSON.parse(text)).toMatchObject({ errors: [{ code: 'NAME_UNKNOWN' }] })
    expect(text).toContain('team/app')
    expect(text).not.toContain('password')
    expect(await registry.generateCredentialsIfRepositoryExists('team/app', 'pull', 60)).toBe(
      undefined,
    )
    // Without the flag a credential for a repository not pushed yet is still minted: the first
    // push into a new name needs one.
    expect((await mintOverHttp(registry.url, body)).status).toBe(201)
    expect((await mintOverHttp(registry.url, { ...body, ifRepositoryExists: false })).status).toBe(
      201,
    )
  })

  it('mints for a pushed repository, and no longer once it is deleted', async () => {
    await pushImage(registry.url, 'team/app', 'v1', 'exists', { authorization: ADMIN_AUTH })
    const body = { repository: 'team/app', permission: 'pull', ttlSeconds: 60 }
    const minted = await mintOverHttp(registry.url, { ...body, ifRepositoryExists: true })
    expect(minted.status).toBe(201)
    const credential = (await minted.json()) as {
      username: string
      password: string
      repositoryChecked: boolean
    }
    // Said in the answer, so a caller knows it need not check again after the mint.
    expect(credential.repositoryChecked).toBe(true)
    const unasked = await mintOverHttp(registry.url, body)
    expect(await unasked.json()).toMatchObject({ repositoryChecked: false })
    const viaApi = await registry.generateCredentialsIfRepositoryExists('team/app', 'pull', 60)
    expect(viaApi?.repository).toBe('team/app')
    await deleteRepository(registry)
    expect(await stillPulls(registry, credential)).toBe(false)
    expect((await mintOverHttp(registry.url, { ...body, ifRepositoryExists: true })).status).toBe(
      404,
    )
    expect(await registry.generateCredentialsIfRepositoryExists('team/app', 'pull', 60)).toBe(
      undefined,
    )
  })

  it('hands out no credential that outlives a deletion it raced', async () => {
    await pushImage(registry.url, 'team/app', 'v1', 'raced', { authorization: ADMIN_AUTH })
    const minted: MintedCredential[] = []
    let deleted = false
    const deletion = deleteRepository(registry).then(() => {
      deleted = true
    })
    // Mint on every turn of the event loop until the deletion has answered, then once more.
    for (let round = 0; !deleted || round === 0; round++) {
      const credential = await registry.generateCredentialsIfRepositoryExists(
        'team/app',
        'push-pull',
        600,
      )
      if (credential) minted.push(credential)
      await new Promise((resolve) => setImmediate(resolve))
    }
    await deletion
    expect(await registry.generateCredentialsIfRepositoryExists('team/app', 'pull', 60)).toBe(
      undefined,
    )
    for (const credential of minted) expect(await stillPulls(registry, credential)).toBe(false)
  })

  it('the standalone token service, which knows no repository, says it did not check', async () => {
    await using tokens = await startTokenService({ admin: ADMIN })
    const body = { repository: 'team/app', permission: 'pull', ifRepositoryExists: true }
    const minted = await mintOverHttp(tokens.url, body)
    expect(minted.status).toBe(201)
    expect(await minted.json()).toMatchObject({ repositoryChecked: false })
  })

  it('refuses an ifRepositoryExists that is no boolean with 400', async () => {
    const body = { repository: 'team/app', permission: 'pull', ttlSeconds: 60 }
    const res = await mintOverHttp(registry.url, { ...body, ifRepositoryExists: 'yes' })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('ifRepositoryExists')
  })

  it('refuses invalid arguments with a TypeError before asking whether the repository exists', async () => {
    await expect(
      registry.generateCredentialsIfRepositoryExists('Team/App', 'pull', 60),
    ).rejects.toThrow(TypeError)
    await expect(
      registry.generateCredentialsIfRepositoryExists('team/app', 'admin' as never, 60),
    ).rejects.toThrow(TypeError)
  })
})

describe('CredentialStore.mintIf', () => {
  // What a deletion does: the content goes (the check says no from now on), then the repository's
  // credentials are revoked. Here both happen on the very next turn after the check said yes: only
  // a credential known to the store by then is revoked.
  it('makes the credential known to revocation before anything else runs after the check', async () => {
    const store = await CredentialStore.open(undefined)
    let exists = true
    let revocation: Promise<number> | undefined
    const minted = await store.mintIf(
      () => {
        const answer = exists
        queueMicrotask(() => {
          exists = false
          revocation = store.revoke({ repository: 'team/app' })
        })
        return answer
      },
      'team/app',
      'push-pull',
      600,
    )
    expect(minted?.repository).toBe('team/app')
    expect(await revocation).toBe(1)
    expect(store.isActive(minted?.username ?? '')).toBe(false)
    expect(await store.mintIf(() => exists, 'team/app', 'pull', 60)).toBe(undefined)
  })
})

describe('the standalone token service', () => {
  it('mints with ifRepositoryExists, as it holds no repositories to ask', async () => {
    await using service = await startTokenService({ admin: ADMIN })
    const res = await fetch(`${service.url}/_artifact-registry/credentials`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: ADMIN_AUTH },
      body: JSON.stringify({
        repository: 'team/app',
        permission: 'pull',
        ttlSeconds: 60,
        ifRepositoryExists: true,
      }),
    })
    expect(res.status).toBe(201)
  })
})
