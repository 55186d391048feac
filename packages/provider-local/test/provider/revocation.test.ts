import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import {
  type LocalRegistry,
  startLocalRegistry,
  startTokenService,
  type TokenService,
} from '@artifact-registry/registry-server'
import type { DockerRegistry } from '@artifact-registry/test-kit'
import { basicAuth, closeAll, requireTool, startDockerRegistry } from '@artifact-registry/test-kit'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { type LocalProvider, local, MARKER_DIGEST } from '../../src/index.js'

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const basic = (cred: ArtifactRegistryCredentials): string => basicAuth(cred.username, cred.password)
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'

/** A registry's answers to the requests of one credential, as a client would send them. */
interface Probe {
  /** HEAD of the repository marker with Basic credentials (our registry takes them). */
  readMarker(repository: string, authorization: string): Promise<number>
  /** A token for the repository from the realm: its status and the token. */
  token(
    repository: string,
    authorization: string,
    actions: string,
  ): Promise<{ status: number; token: string }>
}

function probe(url: string, realm: string): Probe {
  return {
    readMarker: async (repository, authorization) =>
      (
        await fetch(`${url}/v2/${repository}/manifests/${MARKER_DIGEST}`, {
          method: 'HEAD',
          headers: { authorization, accept: OCI_MANIFEST },
        })
      ).status,
    token: async (repository, authorization, actions) => {
      const query = new URLSearchParams({
        service: 'artifact-registry',
        scope: `repository:${repository}:${actions}`,
      })
      const res = await fetch(`${realm}?${query}`, { headers: { authorization } })
      const body = res.status === 200 ? ((await res.json()) as { token: string }) : undefined
      if (body === undefined) await res.body?.cancel()
      return { status: res.status, token: body?.token ?? '' }
    },
  }
}

describe('revocation with the embedded registry', () => {
  let provider: LocalProvider
  let on: Probe
  beforeAll(async () => {
    provider = await local({ bindingName: 'revoke', adminCredentials: ADMIN })
    on = probe(provider.registryEndpoint, `${provider.registryEndpoint}/token`)
  })
  afterAll(() => provider.close())

  it('deleteRepository revokes its credentials: the re-created repository refuses the old pull, push, delete and token', async () => {
    const { name } = await provider.createRepository('recreated')
    const pull = await provider.generateCredentials(name, 'pull')
    const push = await provider.generateCredentials(name, 'push-pull')
    const token = await on.token(name, basic(push), 'pull,push,delete')
    expect(token.status).toBe(200)

    await provider.deleteRepository(name)
    await provider.createRepository('recreated')

    const url = provider.registryEndpoint
    expect(await on.readMarker(name, basic(pull))).toBe(401)
    expect(await on.readMarker(name, `Bearer ${token.token}`)).toBe(401)
    const upload = await fetch(`${url}/v2/${name}/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization: basic(push) },
    })
    expect(upload.status).toBe(401)
    const deleted = await fetch(`${url}/v2/${name}/manifests/${MARKER_DIGEST}`, {
      method: 'DELETE',
      headers: { authorization: basic(push) },
    })
    expect(deleted.status).toBe(401)
    expect((await on.token(name, basic(pull), 'pull')).status).toBe(401)
    const fresh = await provider.generateCredentials(name, 'pull')
    expect(await on.readMarker(name, basic(fresh))).toBe(200)
  })

  it('revokeCredentials({ username }) revokes one credential; ({ repository }) every one of it', async () => {
    const { name } = await provider.createRepository('revoked')
    const other = await provider.createRepository('untouched')
    const first = await provider.generateCredentials(name, 'pull')
    const second = await provider.generateCredentials(name, 'push-pull')
    const elsewhere = await provider.generateCredentials(other.name, 'pull')

    expect(await provider.revokeCredentials({ username: first.username })).toBe(1)
    expect(await on.readMarker(name, basic(first))).toBe(401)
    expect(await on.readMarker(name, basic(second))).toBe(200)

    expect(await provider.revokeCredentials({ repository: name })).toBe(1)
    expect(await on.readMarker(name, basic(second))).toBe(401)
    expect(await on.readMarker(other.name, basic(elsewhere))).toBe(200)
  })

  it('revokeCredentials takes { username } or { repository } of this binding, one of them', async () => {
    for (const which of [
      {},
      { username: '' },
      { username: 'cred-x', repository: 'revoke/app' },
      { repository: 'other-binding/app' },
      null,
    ]) {
      await expect(
        provider.revokeCredentials(which as never),
        JSON.stringify(which),
      ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    }
  })
})

describe('generateCredentials and deleteRepository of one repository at once', () => {
  afterEach(() => vi.restoreAllMocks())

  it('never leaves a credential minted for the deleted repository: it would reach one re-created under the name', async () => {
    // The provider's admin calls, held where generateCredentials has found the repository and is
    // about to mint: deleteRepository then runs, and the mint comes after it.
    const send = globalThis.fetch
    let found: () => void = () => {}
    const foundMarker = new Promise<void>((resolve) => {
      found = resolve
    })
    let release: () => void = () => {}
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    let holding = false
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const res = await send(input, init)
      const url = String(input)
      if (holding && init?.method === 'HEAD' && url.endsWith(MARKER_DIGEST)) {
        holding = false
        found()
        await released
      }
      if (init?.method === 'DELETE' && url.includes('/_artifact-registry/repositories/')) release()
      return res
    })
    await using provider = await local({ bindingName: 'race', adminCredentials: ADMIN })
    const on = probe(provider.registryEndpoint, `${provider.registryEndpoint}/token`)
    const { name } = await provider.createRepository('app')

    holding = true
    const minting = provider.generateCredentials(name, 'push-pull')
    const outcome = minting.then(
      (credential) => ({ credential }),
      (error: unknown) => ({ error }),
    )
    await foundMarker
    const deleting = provider.deleteRepository(name)
    // Once the delete has answered (or, when it waits for the mint, after a moment).
    setTimeout(release, 200).unref()
    await deleting
    const settled = await outcome

    await provider.createRepository('app')
    if ('credential' in settled) {
      expect(await on.readMarker(name, basic(settled.credential))).toBe(401)
    } else {
      expect(settled.error).toMatchObject({ code: 'NOT_FOUND' })
    }
  })
})

// Another process (another provider on the same registry) deletes the repository after this
// provider found it and before it mints: only the registry, asked as it mints, can tell.
describe('generateCredentials while another process deletes the repository', () => {
  afterEach(() => vi.restoreAllMocks())

  it.each([
    ['the embedded registry', undefined],
    ['a registry at url', () => startLocalRegistry({ adminCredentials: ADMIN })],
  ] as const)('on %s: NOT_FOUND, no credential for the name created again', async (_, start) => {
    const send = globalThis.fetch
    let deleteNow: (() => Promise<void>) | undefined
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const res = await send(input, init)
      const url = String(input)
      const deletion = deleteNow
      if (deletion && init?.method === 'HEAD' && url.endsWith(MARKER_DIGEST)) {
        deleteNow = undefined
        await deletion()
      }
      return res
    })
    await using registry = start ? await start() : undefined
    await using minter = await local({
      bindingName: 'race',
      adminCredentials: ADMIN,
      ...(registry && { url: registry.url }),
    })
    await using deleter = await local({
      bindingName: 'race',
      adminCredentials: ADMIN,
      url: minter.registryEndpoint,
    })
    const on = probe(minter.registryEndpoint, `${minter.registryEndpoint}/token`)
    const { name } = await minter.createRepository('app')

    deleteNow = () => deleter.deleteRepository(name)
    const outcome = await minter.generateCredentials(name, 'push-pull').then(
      (credential) => ({ credential }),
      (error: unknown) => ({ error }),
    )
    expect(deleteNow).toBe(undefined)
    await minter.createRepository('app')
    if ('credential' in outcome)
      expect(await on.readMarker(name, basic(outcome.credential)), 'the credential minted').toBe(
        401,
      )
    expect(outcome).toMatchObject({ error: { code: 'NOT_FOUND' } })
  })
})

describe('revocation on a registry that several bindings share', () => {
  let registry: LocalRegistry
  let team: LocalProvider
  let neighbour: LocalProvider
  beforeAll(async () => {
    registry = await startLocalRegistry({ adminCredentials: ADMIN })
    const shared = { url: registry.url, adminCredentials: ADMIN }
    team = await local({ ...shared, bindingName: 'team' })
    // A namespace that starts with the other's name: only `team/` is the first binding's.
    neighbour = await local({ ...shared, bindingName: 'teammate' })
  })
  afterAll(() => closeAll(team, neighbour, registry))

  it("revokeCredentials({ username }) of another binding's credential revokes nothing: it resolves to 0 and the credential keeps working", async () => {
    const { name } = await neighbour.createRepository('app')
    const theirs = await neighbour.generateCredentials(name, 'pull')
    const on = probe(registry.url, `${registry.url}/token`)

    expect(await team.revokeCredentials({ username: theirs.username })).toBe(0)
    expect(await on.readMarker(name, basic(theirs))).toBe(200)

    expect(await neighbour.revokeCredentials({ username: theirs.username })).toBe(1)
    expect(await on.readMarker(name, basic(theirs))).toBe(401)
  })
})

const missing = requireTool('docker-registry')

describe.skipIf(missing)(
  `revocation behind registry:2 and the token service ${missing ?? ''}`.trim(),
  () => {
    let work: string
    let tokens: TokenService
    let registry2: DockerRegistry
    let provider: LocalProvider
    let on: Probe
    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'provider-local-revoke-'))
      tokens = await startTokenService({ admin: ADMIN })
      registry2 = await startDockerRegistry({ auth: { token: tokens } })
      provider = await local({ url: registry2.url, bindingName: 'r2', adminCredentials: ADMIN })
      on = probe(registry2.url, tokens.realm)
    }, 60_000)
    afterAll(async () => {
      await closeAll(provider, registry2, tokens)
      await rm(work, { recursive: true, force: true })
    })

    it('deleteRepository revokes its credentials at the token service: no token for them, before or after re-creation; a token already issued lives on', async () => {
      const { name } = await provider.createRepository('recreated')
      const pull = await provider.generateCredentials(name, 'pull')
      const push = await provider.generateCredentials(name, 'push-pull')
      const before = await on.token(name, basic(pull), 'pull')
      expect(before.status).toBe(200)
      expect(await on.readMarker(name, `Bearer ${before.token}`)).toBe(200)

      await provider.deleteRepository(name)
      await expect(provider.getRepository(name)).rejects.toMatchObject({ code: 'NOT_FOUND' })
      expect((await on.token(name, basic(push), 'pull,push')).status).toBe(401)

      await provider.createRepository('recreated')
      expect((await on.token(name, basic(pull), 'pull')).status).toBe(401)
      expect((await on.token(name, basic(push), 'pull,push,delete')).status).toBe(401)
      const fresh = await provider.generateCredentials(name, 'pull')
      const token = await on.token(name, basic(fresh), 'pull')
      expect(await on.readMarker(name, `Bearer ${token.token}`)).toBe(200)
      // registry:2 checks a token's signature and expiry only, never the token service: the one
      // issued before the delete still reads the repository created again, as the README says
      // (capabilities: revokesCredentialsOnDelete), until the service's tokenTtlSeconds run out.
      expect(await on.readMarker(name, `Bearer ${before.token}`)).toBe(200)
    }, 30_000)

    it('a credential minted while the content goes (by another process, which saw the repository) is revoked too', async () => {
      const { name } = await provider.createRepository('minted-meanwhile')
      // Another process's mint, at the token service, as the first manifest is deleted: after
      // the revocation the delete starts with, before the repository is gone.
      const send = globalThis.fetch
      let meanwhile: Promise<{ username: string; password: string }> | undefined
      const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
        const deletingManifest =
          init?.method === 'DELETE' && String(input).includes(`/v2/${name}/manifests/`)
        if (meanwhile === undefined && deletingManifest) {
          meanwhile = tokens.generateCredentials(name, 'pull', 600)
          await meanwhile
        }
        return send(input, init)
      })
      // A provider of its own: one takes the fetch there is when it is made.
      const deleter = await local({
        url: registry2.url,
        bindingName: 'r2',
        adminCredentials: ADMIN,
      })
      try {
        await deleter.deleteRepository(name)
      } finally {
        spy.mockRestore()
        await deleter.close()
      }
      const credential = await meanwhile
      if (credential === undefined) throw new Error('the delete deleted no manifest')
      const auth = basicAuth(credential.username, credential.password)
      const res = await fetch(
        `${tokens.realm}?service=${tokens.service}&scope=repository:${name}:pull`,
        {
          headers: { authorization: auth },
        },
      )
      await res.body?.cancel()
      expect(res.status).toBe(401)
    }, 30_000)

    it('a credential minted after a delete by a process that saw the repository before it is revoked, and the mint is NOT_FOUND', async () => {
      const { name } = await provider.createRepository('deleted-before-mint')
      // A provider of its own, made before the spy: the other process, deleting.
      const deleter = await local({
        url: registry2.url,
        bindingName: 'r2',
        adminCredentials: ADMIN,
      })
      const send = globalThis.fetch
      let minted: { username: string; password: string } | undefined
      const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
        const minting =
          init?.method === 'POST' && String(input).endsWith('/_artifact-registry/credentials')
        if (!minting || minted !== undefined) return send(input, init)
        // This process found the repository; the other deletes it, revocations and all, before
        // this mint reaches the token service, which cannot know.
        await deleter.deleteRepository(name)
        const res = await send(input, init)
        minted = (await res.clone().json()) as { username: string; password: string }
        return res
      })
      const minter = await local({ url: registry2.url, bindingName: 'r2', adminCredentials: ADMIN })
      try {
        await expect(minter.generateCredentials(name, 'pull')).rejects.toMatchObject({
          code: 'NOT_FOUND',
        })
      } finally {
        spy.mockRestore()
        await closeAll(minter, deleter)
      }
      if (minted === undefined) throw new Error('nothing was minted')
      // Handed to nobody, and revoked: no token for it, in the name created again either.
      await provider.createRepository('deleted-before-mint')
      expect(
        (await on.token(name, basicAuth(minted.username, minted.password), 'pull')).status,
      ).toBe(401)
    }, 30_000)

    it('revokeCredentials reaches the token service', async () => {
      const { name } = await provider.createRepository('revoked')
      const first = await provider.generateCredentials(name, 'pull')
      const second = await provider.generateCredentials(name, 'pull')

      expect(await provider.revokeCredentials({ username: first.username })).toBe(1)
      expect((await on.token(name, basic(first), 'pull')).status).toBe(401)
      expect((await on.token(name, basic(second), 'pull')).status).toBe(200)

      expect(await provider.revokeCredentials({ repository: name })).toBe(1)
      expect((await on.token(name, basic(second), 'pull')).status).toBe(401)
    }, 30_000)
  },
)
