import { isArtifactRegistryError } from '@artifact-registry/core'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { PREFIX, providerFor, REGION, REPLICA } from './helpers.js'

// ECR has no name filter: the provider reads every page of DescribeRepositories (1000 a page,
// ECR's most) and keeps the names of its prefix.

const fake = await startAwsFake()
afterAll(() => fake.close())
beforeEach(() => fake.reset())

// More than one page of ours, and names that share the start of ours without being ours.
const OURS = Array.from(
  { length: 1100 },
  (_, i) => `${PREFIX}-svc-${String(1099 - i).padStart(4, '0')}`,
)
for (const name of OURS) fake.seedRepository(REGION, name)
for (const name of ['acmex-app', 'other-app', 'acme']) fake.seedRepository(REGION, name)
fake.seedRepository(REPLICA, `${PREFIX}-only-in-the-replica-region`)

const namesOf = (listed: { name: string }[]): string[] => listed.map((r) => r.name)

describe('listRepositories', () => {
  it("reads every page and keeps this prefix's repositories of the home region, sorted", async () => {
    const registry = await providerFor(fake)
    const listed = await registry.listRepositories()
    expect(namesOf(listed)).toEqual([...OURS].sort())
    const pages = fake.requestsFor('DescribeRepositories').map((r) => JSON.parse(r.body))
    expect(pages).toHaveLength(2)
    expect(pages[0]).toEqual({ maxResults: 1000 })
    expect(pages[1]).toEqual({ maxResults: 1000, nextToken: expect.any(String) })
    expect(fake.requests.every((r) => fake.regionOf(r) === REGION)).toBe(true)
  })

  it('answers what getRepository answers for each', async () => {
    const registry = await providerFor(fake, { registryEndpoint: undefined })
    const { name } = await registry.createRepository('listed-app')
    const [listed] = await registry.listRepositories({ prefix: 'listed-' })
    expect(listed).toEqual(await registry.getRepository(name))
    expect(listed?.uri).toBe(fake.getRepository(REGION, name)?.repositoryUri)
  })

  it('matches the prefix after {repositoryPrefix}-, in the ECR form of the name', async () => {
    const registry = await providerFor(fake)
    const adapted = await registry.createRepository('Team A')
    expect(namesOf(await registry.listRepositories({ prefix: 'svc-109' }))).toEqual(
      OURS.filter((n) => n.startsWith(`${PREFIX}-svc-109`)).sort(),
    )
    expect(namesOf(await registry.listRepositories({ prefix: 'team-a' }))).toEqual([adapted.name])
    expect(await registry.listRepositories({ prefix: 'Team A' })).toEqual([])
    expect(await registry.listRepositories({ prefix: 'app' })).toEqual([])
  })

  it('maps a refusal of DescribeRepositories', async () => {
    const registry = await providerFor(fake)
    fake.inject('DescribeRepositories', 'access-denied')
    await expect(registry.listRepositories()).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      platform: 'aws',
    })
  })

  it('stops when the signal aborts during a page, rejecting with its reason', async () => {
    const registry = await providerFor(fake)
    const controller = new AbortController()
    const reason = new Error('the caller gave up')
    // The first page answers; the second is aborted while ECR handles it.
    fake.inject('DescribeRepositories', { before: () => {} })
    fake.inject('DescribeRepositories', { before: () => controller.abort(reason) })
    const error = await registry.listRepositories({ signal: controller.signal }).catch((e) => e)
    expect(error).toBe(reason)
    expect(isArtifactRegistryError(error)).toBe(false)
  })

  it('refuses bad options before any request', async () => {
    const registry = await providerFor(fake)
    await expect(registry.listRepositories({ prefix: 1 as never })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    expect(fake.requestsFor('DescribeRepositories')).toHaveLength(0)
  })
})
