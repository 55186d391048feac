import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, describe, expect, it } from 'vitest'
import { ecrCall } from './aws-wire.js'

// DescribeRepositories without names lists a region's repositories page by page, as ECR does:
// 100 per page unless maxResults (1-1000) says otherwise, continued by the nextToken it answered,
// and neither may go with repositoryNames. IAM asks for the action on `repository/*`.

const fake = await startAwsFake()
afterAll(() => fake.close())
const NAMES = Array.from({ length: 250 }, (_, i) => `list-${String(i).padStart(3, '0')}`)
for (const name of NAMES) fake.seedRepository('us-east-1', name)
fake.seedRepository('eu-west-1', 'elsewhere')

type Listed = { repositories: { repositoryName: string }[]; nextToken?: string }

async function listAll(body: Record<string, unknown> = {}): Promise<Listed[]> {
  const pages: Listed[] = []
  let nextToken: string | undefined
  do {
    const answer = await ecrCall(fake, 'DescribeRepositories', { ...body, nextToken })
    expect(answer.status).toBe(200)
    const page = answer.json as Listed
    pages.push(page)
    nextToken = page.nextToken
  } while (nextToken !== undefined)
  return pages
}

describe('AWS fake: DescribeRepositories pages', () => {
  it('answers 100 repositories a page without maxResults, and every one once over the pages', async () => {
    const pages = await listAll()
    expect(pages.map((p) => p.repositories.length)).toEqual([100, 100, 50])
    const names = pages.flatMap((p) => p.repositories.map((r) => r.repositoryName))
    expect(names).toEqual(NAMES)
  })

  it('answers maxResults repositories a page, up to 1000', async () => {
    expect((await listAll({ maxResults: 1 })).length).toBe(250)
    expect((await listAll({ maxResults: 1000 })).map((p) => p.repositories.length)).toEqual([250])
  })

  it.each([0, 1001, 2.5, '10'])('refuses maxResults %s', async (maxResults) => {
    const answer = await ecrCall(fake, 'DescribeRepositories', { maxResults })
    expect(answer).toMatchObject({ status: 400, json: { __type: 'InvalidParameterException' } })
  })

  it('refuses a nextToken it never issued, or one of another region', async () => {
    const { json } = await ecrCall(fake, 'DescribeRepositories', { maxResults: 1 })
    const token = String(json.nextToken)
    for (const [nextToken, region] of [
      ['made-up', 'us-east-1'],
      [token, 'eu-west-1'],
    ] as const) {
      const answer = await ecrCall(fake, 'DescribeRepositories', { nextToken }, { region })
      expect(answer).toMatchObject({ status: 400, json: { __type: 'InvalidParameterException' } })
    }
  })

  it('refuses maxResults or nextToken with repositoryNames', async () => {
    for (const extra of [{ maxResults: 10 }, { nextToken: 'x' }]) {
      const answer = await ecrCall(fake, 'DescribeRepositories', {
        repositoryNames: ['list-000'],
        ...extra,
      })
      expect(answer).toMatchObject({ status: 400, json: { __type: 'InvalidParameterException' } })
    }
  })
})

describe('AWS fake: ecrPageLimit', () => {
  it('answers at most ecrPageLimit repositories a page, whatever maxResults asks', async () => {
    await using small = await startAwsFake({ ecrPageLimit: 3 })
    for (const name of NAMES.slice(0, 7)) small.seedRepository('us-east-1', name)
    const sizes = async (maxResults: number | undefined): Promise<number[]> => {
      const found: number[] = []
      let nextToken: string | undefined
      do {
        const answer = await ecrCall(small, 'DescribeRepositories', { maxResults, nextToken })
        expect(answer.status).toBe(200)
        const page = answer.json as Listed
        found.push(page.repositories.length)
        nextToken = page.nextToken
      } while (nextToken !== undefined)
      return found
    }
    expect(await sizes(undefined)).toEqual([3, 3, 1])
    expect(await sizes(1000)).toEqual([3, 3, 1])
    expect(await sizes(2)).toEqual([2, 2, 2, 1])
    const refused = await ecrCall(small, 'DescribeRepositories', { maxResults: 1001 })
    expect(refused).toMatchObject({ status: 400, json: { __type: 'InvalidParameterException' } })
  })

  it.each([0, 1.5, -1])('refuses an ecrPageLimit of %s', async (ecrPageLimit) => {
    await expect(startAwsFake({ ecrPageLimit })).rejects.toThrow(TypeError)
  })
})

describe('AWS fake: who may list', () => {
  it('needs ecr:DescribeRepositories on repository/*, not just on a prefix', async () => {
    const statement = (resource: string) =>
      JSON.stringify({
        Statement: [{ Effect: 'Allow', Action: 'ecr:DescribeRepositories', Resource: resource }],
      })
    const arn = (name: string) => `arn:aws:ecr:us-east-1:123456789012:repository/${name}`
    await using prefixOnly = await startAwsFake({ basePolicies: [statement(arn('acme-*'))] })
    await using everyRepository = await startAwsFake({ basePolicies: [statement(arn('*'))] })
    const refused = await ecrCall(prefixOnly, 'DescribeRepositories', {})
    expect(refused).toMatchObject({ status: 400, json: { __type: 'AccessDeniedException' } })
    expect(String(refused.json.message)).toContain(`on resource: ${arn('*')}`)
    expect((await ecrCall(everyRepository, 'DescribeRepositories', {})).status).toBe(200)
  })
})
