import { startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { afterAll, describe, expect, it } from 'vitest'
import { googleCall } from './gcp-wire.js'

// listPackages pages a repository's packages as AIP-158 says: pageSize 0 is the default (the
// fake's: 100), above 1000 is lowered to 1000, negative is refused; only a pageToken the listing
// answered continues it.

const REF = { project: 'acme', location: 'us-central1', repository: 'images' }
const fake = await startGcpFake({
  repositories: [REF, { ...REF, repository: 'other' }],
})
afterAll(() => fake.close())
const REPOSITORY = `projects/acme/locations/us-central1/repositories/images`
const PATHS = Array.from({ length: 1201 }, (_, i) => `team/app-${String(i).padStart(4, '0')}`)
for (const path of PATHS) fake.seedImage(REPOSITORY, path)

type Listed = { packages: { name: string }[]; nextPageToken?: string }

async function page(query: string, repository = REPOSITORY, of = fake) {
  return googleCall(of, 'GET', `${repository}/packages?${query}`)
}

/** The size of each page of a whole listing of `of`'s repository, asking `pageSize`. */
async function pageSizes(pageSize: number, of = fake): Promise<number[]> {
  const sizes: number[] = []
  let token = ''
  do {
    const query = `pageSize=${pageSize}&pageToken=${encodeURIComponent(token)}`
    const answer = await page(query, REPOSITORY, of)
    expect(answer.status).toBe(200)
    const listed = answer.json as Listed
    sizes.push(listed.packages.length)
    token = listed.nextPageToken ?? ''
  } while (token !== '')
  return sizes
}

describe('GCP fake: listPackages pages', () => {
  it('pages by pageSize, 100 by default, never more than 1000', async () => {
    expect(await pageSizes(500)).toEqual([500, 500, 201])
    expect(await pageSizes(5000)).toEqual([1000, 201])
    expect((await pageSizes(0)).length).toBe(13)
  })

  it('lists every package once over the pages, by its URL-encoded image path', async () => {
    const names: string[] = []
    let token = ''
    do {
      const listed = (await page(`pageSize=1000&pageToken=${encodeURIComponent(token)}`))
        .json as Listed
      names.push(...listed.packages.map((p) => p.name))
      token = listed.nextPageToken ?? ''
    } while (token !== '')
    expect(names).toEqual(PATHS.map((p) => `${REPOSITORY}/packages/${encodeURIComponent(p)}`))
  })

  it('refuses a negative pageSize, a made-up pageToken and one of another repository', async () => {
    const first = (await page('pageSize=1')).json as Listed
    const other = REPOSITORY.replace(/images$/, 'other')
    for (const [query, repository] of [
      ['pageSize=-1', REPOSITORY],
      ['pageToken=made-up', REPOSITORY],
      [`pageToken=${first.nextPageToken}`, other],
    ] as const) {
      const answer = await page(query, repository)
      expect(answer.status).toBe(400)
      expect(answer.json).toMatchObject({ error: { status: 'INVALID_ARGUMENT' } })
    }
  })
})

describe('GCP fake: pageLimit', () => {
  it('answers at most pageLimit packages a page, whatever pageSize asks', async () => {
    await using small = await startGcpFake({ repositories: [REF], pageLimit: 3 })
    for (const path of PATHS.slice(0, 7)) small.seedImage(REPOSITORY, path)
    const sizes = (pageSize: number): Promise<number[]> => pageSizes(pageSize, small)
    expect(await sizes(0)).toEqual([3, 3, 1])
    expect(await sizes(1000)).toEqual([3, 3, 1])
    expect(await sizes(2)).toEqual([2, 2, 2, 1])
  })

  it.each([0, 1.5, -1])('refuses a pageLimit of %s', async (pageLimit) => {
    await expect(startGcpFake({ pageLimit })).rejects.toThrow(TypeError)
  })
})
