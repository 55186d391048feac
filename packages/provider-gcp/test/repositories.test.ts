import { randomBytes } from 'node:crypto'
import { isArtifactRegistryError } from '@artifact-registry/core'
import { googleError, startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { describe, expect, it } from 'vitest'
import {
  HOST,
  LOCATION,
  PROJECT,
  providerFor,
  provisionGarRepository,
  rejectionOf,
  useGcpFake,
} from './helpers.js'

const fake = await useGcpFake()
// The location's own Docker host, rather than the fake's data plane that providerOptions() sets.
const REAL_HOST = { registryEndpoint: undefined }

describe('routable names and uris', () => {
  it('keeps the GAR repository segment in the uri', async () => {
    const { repository } = provisionGarRepository(fake)
    await using provider = await providerFor(fake, repository, REAL_HOST)
    const created = await provider.createRepository('my-app')
    expect(created.name).toBe(`${PROJECT}/${repository}/my-app`)
    expect(created.uri).toBe(`${HOST}/${PROJECT}/${repository}/my-app`)
    expect(provider.registryEndpoint).toBe(`https://${HOST}`)
  })

  it('keeps nested paths as given', async () => {
    const { repository } = provisionGarRepository(fake)
    await using provider = await providerFor(fake, repository, REAL_HOST)
    const created = await provider.createRepository('team/app/api')
    expect(created.name).toBe(`${PROJECT}/${repository}/team/app/api`)
    expect(created.uri).toBe(`${HOST}/${PROJECT}/${repository}/team/app/api`)
    expect(await provider.getRepository(created.name)).toEqual(created)
  })

  it('fits adapted long names into the 255-character image name', async () => {
    const { repository } = provisionGarRepository(fake)
    await using provider = await providerFor(fake, repository, REAL_HOST)
    const created = await provider.createRepository('a'.repeat(300))
    expect(created.uri?.length).toBe(255)
    expect(created.name).toMatch(new RegExp(`^${PROJECT}/${repository}/a+-x[0-9a-f]{24}$`))
  })

  it('puts uris and credentials on the registryEndpoint host, with names fitted to the real one', async () => {
    const { repository } = provisionGarRepository(fake)
    await using real = await providerFor(fake, repository, REAL_HOST)
    await using moved = await providerFor(fake, repository, {
      registryEndpoint: 'http://127.0.0.1:5000/',
    })
    expect(moved.registryEndpoint).toBe('http://127.0.0.1:5000')
    const long = 'a'.repeat(300)
    const created = await moved.createRepository(long)
    expect(created.name).toBe((await real.createRepository(long)).name)
    expect(created.uri).toBe(`127.0.0.1:5000/${created.name}`)
    const credentials = await moved.generateCredentials(created.name, 'pull')
    expect(credentials.registry).toBe('127.0.0.1:5000')
  })

  it('never re-prefixes: a name outside the GAR repository is INVALID_ARGUMENT for get and delete, without a request', async () => {
    const { repository } = provisionGarRepository(fake)
    await using provider = await providerFor(fake, repository)
    fake.reset()
    for (const name of [
      'my-app',
      `other-project/${repository}/my-app`,
      `${PROJECT}/other/my-app`,
    ]) {
      for (const call of [
        () => provider.getRepository(name),
        () => provider.deleteRepository(name),
      ]) {
        const err = await rejectionOf(call())
        expect(isArtifactRegistryError(err, 'INVALID_ARGUMENT'), String(err)).toBe(true)
      }
    }
    expect(fake.requests).toHaveLength(0)
  })
})

describe('createRepository and getRepository', () => {
  it('fails with NOT_FOUND when the GAR repository was never provisioned', async () => {
    await using provider = await providerFor(fake, 'never-provisioned')
    const err = await rejectionOf(provider.createRepository('my-app'))
    expect(isArtifactRegistryError(err, 'NOT_FOUND')).toBe(true)
    expect((err as Error).message).toContain(
      `projects/${PROJECT}/locations/${LOCATION}/repositories/never-provisioned does not exist`,
    )
    expect((err as Error).message).toMatch(/^\[provider-gcp\] /)
  })

  it('writes nothing and checks the GAR repository once', async () => {
    const { repository } = provisionGarRepository(fake)
    await using provider = await providerFor(fake, repository)
    fake.reset()
    const first = await provider.createRepository('my-app')
    await provider.createRepository('my-app')
    await provider.getRepository(first.name)
    expect(fake.requestsFor('getRepository')).toHaveLength(1)
    // The caller's token comes from the fake's token endpoint (a POST that writes nothing).
    const registryCalls = fake.requests.filter((r) => r.operation !== 'oauthToken')
    expect(registryCalls.every((r) => r.method === 'GET')).toBe(true)
  })

  it('checks again after a failed check', async () => {
    const { repository } = provisionGarRepository(fake)
    await using provider = await providerFor(fake, repository)
    fake.inject('getRepository', 'unavailable')
    const err = await rejectionOf(provider.createRepository('my-app'))
    expect(isArtifactRegistryError(err, 'UNAVAILABLE')).toBe(true)
    await expect(provider.createRepository('my-app')).resolves.toMatchObject({ createdAt: null })
  })

  it('refuses a GAR repository of another format', async () => {
    const { repository, resource } = provisionGarRepository(fake)
    await using provider = await providerFor(fake, repository)
    fake.inject('getRepository', { status: 200, body: { name: resource, format: 'MAVEN' } })
    const err = await rejectionOf(provider.createRepository('my-app'))
    expect(isArtifactRegistryError(err, 'INVALID_CONFIG')).toBe(true)
  })

  it('refuses a remote or virtual GAR repository, which no one can push to, naming its mode', async () => {
    for (const mode of ['REMOTE_REPOSITORY', 'VIRTUAL_REPOSITORY'] as const) {
      const repository = `${mode.slice(0, 6).toLowerCase()}-${randomBytes(4).toString('hex')}`
      fake.seedRepository({ project: PROJECT, location: LOCATION, repository, mode })
      await using provider = await providerFor(fake, repository)
      for (const call of [
        () => provider.createRepository('my-app'),
        () => provider.listRepositories(),
      ]) {
        const err = await rejectionOf(call())
        expect(err, mode).toMatchObject({
          code: 'INVALID_CONFIG',
          message: expect.stringContaining(mode),
        })
      }
    }
  })

  it('reports createdAt from the package once the image path was pushed', async () => {
    const { repository, resource } = provisionGarRepository(fake)
    await using provider = await providerFor(fake, repository)
    const created = await provider.createRepository('team/app')
    expect(created.createdAt).toBeNull()
    const before = Math.floor(Date.now() / 1000) * 1000
    fake.seedImage(resource, 'team/app')
    const got = await provider.getRepository(created.name)
    expect(got.createdAt).toBeInstanceOf(Date)
    expect(got.createdAt?.getTime()).toBeGreaterThanOrEqual(before)
    expect(got.createdAt?.getTime()).toBeLessThanOrEqual(Date.now())
  })
})

describe('deleteRepository', () => {
  it('deletes the package of the image path and leaves the others', async () => {
    const { repository, resource } = provisionGarRepository(fake)
    await using provider = await providerFor(fake, repository)
    for (const path of ['team/app', 'team/app/cache', 'team/other', 'app']) {
      fake.seedImage(resource, path)
    }
    const { name } = await provider.createRepository('team/app')
    fake.reset()
    await provider.deleteRepository(name)
    expect(fake.getImagePaths(resource).sort()).toEqual(['app', 'team/app/cache', 'team/other'])
    const [request] = fake.requestsFor('deletePackage')
    // GAR names a Docker package by its URL-encoded path; the REST path encodes it once more.
    expect(request?.url).toContain(`/repositories/${repository}/packages/team%252Fapp?`)
  })

  it('succeeds for an image path that has no package', async () => {
    const { repository } = provisionGarRepository(fake)
    await using provider = await providerFor(fake, repository)
    await expect(
      provider.deleteRepository(`${PROJECT}/${repository}/never-pushed`),
    ).resolves.toBeUndefined()
  })

  it('waits for the long-running operation', async () => {
    await using slow = await startGcpFake({ lroPolls: 2 })
    const { repository, resource } = provisionGarRepository(slow)
    slow.seedImage(resource, 'app')
    await using provider = await providerFor(slow, repository)
    await provider.deleteRepository(`${PROJECT}/${repository}/app`)
    expect(slow.requestsFor('getOperation').length).toBeGreaterThanOrEqual(2)
    expect(slow.getImagePaths(resource)).toEqual([])
  })

  it('reports a refused delete with its code', async () => {
    const { repository, resource } = provisionGarRepository(fake)
    fake.seedImage(resource, 'app')
    await using provider = await providerFor(fake, repository)
    fake.inject(
      'deletePackage',
      googleError('PERMISSION_DENIED', 'artifactregistry.packages.delete'),
    )
    const err = await rejectionOf(provider.deleteRepository(`${PROJECT}/${repository}/app`))
    expect(isArtifactRegistryError(err, 'PERMISSION_DENIED')).toBe(true)
    expect(fake.getImagePaths(resource)).toEqual(['app'])
  })
})
