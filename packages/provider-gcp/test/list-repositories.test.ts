import { describe, expect, it } from 'vitest'
import { HOST, PROJECT, providerFor, provisionGarRepository, useGcpFake } from './helpers.js'

// GAR lists an image path once it holds something (its package): the provider reads every page
// of listPackages (1000 a page, GAR's most) and answers routable names, sorted.

const fake = await useGcpFake()
const REAL_HOST = { registryEndpoint: undefined }

// Every process warning of this file's run (each test file runs in a process of its own, and the
// Google client warns once a process): listing must page as the client intends, without its
// AutopaginateTrueWarning on stderr.
const warnings: Error[] = []
process.on('warning', (warning) => warnings.push(warning))

describe('listRepositories', () => {
  it('reads every page and answers the image paths of its GAR repository, sorted', async () => {
    const { repository, resource } = provisionGarRepository(fake)
    const other = provisionGarRepository(fake)
    const paths = Array.from({ length: 1500 }, (_, i) => `svc/${String(1499 - i).padStart(4, '0')}`)
    for (const path of paths) fake.seedImage(resource, path)
    fake.seedImage(other.resource, 'svc/0001')
    await using provider = await providerFor(fake, repository, REAL_HOST)
    const listed = await provider.listRepositories()
    expect(listed.map((r) => r.name)).toEqual(
      paths.map((p) => `${PROJECT}/${repository}/${p}`).sort(),
    )
    const pages = fake.requestsFor('listPackages').map((r) => new URL(r.url, fake.url).searchParams)
    expect(pages.map((q) => q.get('pageSize'))).toEqual(['1000', '1000'])
    expect(pages[1]?.get('pageToken')).toBeTruthy()
    // Emitted on the next tick: give it one.
    await new Promise((resolve) => setImmediate(resolve))
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([])
  })

  it('answers what getRepository answers, and lists a path only once it holds an image', async () => {
    const { repository, resource } = provisionGarRepository(fake)
    await using provider = await providerFor(fake, repository, REAL_HOST)
    const pushed = await provider.createRepository('team/pushed')
    await provider.createRepository('never-pushed')
    fake.seedImage(resource, 'team/pushed')
    const listed = await provider.listRepositories()
    expect(listed).toEqual([await provider.getRepository(pushed.name)])
    expect(listed[0]?.uri).toBe(`${HOST}/${PROJECT}/${repository}/team/pushed`)
    expect(listed[0]?.createdAt).toBeInstanceOf(Date)
  })

  it('matches the prefix against the image path; a deleted one is gone', async () => {
    const { repository, resource } = provisionGarRepository(fake)
    for (const path of ['team/a', 'team/b', 'teams', 'other/team']) fake.seedImage(resource, path)
    await using provider = await providerFor(fake, repository)
    const names = async (prefix: string) =>
      (await provider.listRepositories({ prefix })).map((r) => r.name.split('/').slice(2).join('/'))
    expect(await names('team/')).toEqual(['team/a', 'team/b'])
    expect(await names('team')).toEqual(['team/a', 'team/b', 'teams'])
    await provider.deleteRepository(`${PROJECT}/${repository}/team/a`)
    expect(await names('team/')).toEqual(['team/b'])
  })

  it('says so when the GAR repository does not exist', async () => {
    await using provider = await providerFor(fake, 'never-provisioned')
    await expect(provider.listRepositories()).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('maps a refusal of listPackages', async () => {
    const { repository } = provisionGarRepository(fake)
    await using provider = await providerFor(fake, repository)
    fake.inject('listPackages', 'access-denied')
    await expect(provider.listRepositories()).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      platform: 'gcp',
    })
  })

  it('stops when the signal aborts during a page, rejecting with its reason', async () => {
    const { repository } = provisionGarRepository(fake)
    await using provider = await providerFor(fake, repository)
    const controller = new AbortController()
    const reason = new Error('the caller gave up')
    fake.inject('listPackages', { before: () => controller.abort(reason) })
    await expect(provider.listRepositories({ signal: controller.signal })).rejects.toBe(reason)
  })

  it('refuses bad options before any request', async () => {
    await using provider = await providerFor(fake, 'images')
    await expect(provider.listRepositories({ prefix: null as never })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    expect(fake.requests).toHaveLength(0)
  })
})
