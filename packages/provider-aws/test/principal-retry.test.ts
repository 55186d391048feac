import { readFileSync } from 'node:fs'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_PRINCIPAL_RETRY_DELAYS_MS } from '../src/options.js'
import { access, FOREIGN_STATEMENT, providerFor, REGION, uniqueLogical } from './helpers.js'

// docs/platforms/aws.md#principals-must-exist
// ECR's SetRepositoryPolicy refuses a principal IAM does not know ("Principal not found"), and,
// IAM being eventually consistent, also a role created seconds ago. The provider reads, changes
// and writes the policy again on a bounded schedule, then names the principal.

const fake = await startAwsFake()
afterAll(() => fake.close())
beforeEach(() => fake.reset())

const ACCOUNT = '111111111111'
const NEW_ROLE = 'arn:aws:iam::222222222222:role/created-just-now'
const MISSING_ROLE = 'arn:aws:iam::222222222222:role/never-created'

async function repository(delaysMs: number[]) {
  const registry = await providerFor(fake, { principalRetry: { delaysMs } })
  const { name } = await registry.createRepository(uniqueLogical('principal'))
  fake.reset()
  return { registry, name }
}

describe('a principal ECR does not find', () => {
  it('a role IAM shows ECR only seconds later is granted by a retry', async () => {
    const role = `${NEW_ROLE}-${uniqueLogical('r')}`
    fake.seedPrincipal(role, { appearsAfterSeconds: 10 })
    const { registry, name } = await repository([1, 1, 1])
    // Five seconds of IAM's delay pass before each write reaches ECR.
    fake.inject('SetRepositoryPolicy', { before: () => fake.advanceClock(5) }, { times: 3 })
    await registry.addCrossAccountAccess(name, access({ roleArns: [role] }))
    expect(fake.requestsFor('SetRepositoryPolicy')).toHaveLength(2)
    // Each attempt starts from the policy as it is then.
    expect(fake.requestsFor('GetRepositoryPolicy')).toHaveLength(2)
    expect((await registry.getCrossAccountAccess(name)).access).toEqual(
      access({ roleArns: [role] }),
    )
  })

  it('after the whole schedule, INVALID_ARGUMENT naming the principal the change added', async () => {
    const { registry, name } = await repository([1, 2])
    await registry.addCrossAccountAccess(name, access({ accountIds: [ACCOUNT] }))
    fake.reset()
    const error = await registry
      .addCrossAccountAccess(name, access({ roleArns: [MISSING_ROLE] }))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', platform: 'aws', retryable: false })
    const message = (error as Error).message
    expect(message).toContain(`the principal ${MISSING_ROLE}`)
    expect(message).toContain('Principal not found')
    expect(message).not.toContain(`iam::${ACCOUNT}:root`)
    expect(fake.requestsFor('SetRepositoryPolicy')).toHaveLength(3)
    expect(fake.getPolicy(REGION, name)).not.toContain(MISSING_ROLE)
  })

  it('a refused removal names the principals left in the policy', async () => {
    const { registry, name } = await repository([])
    const stale = { ...FOREIGN_STATEMENT, Principal: { AWS: MISSING_ROLE } }
    const ours = {
      Sid: 'ArtifactRegistryCrossAccountPull',
      Effect: 'Allow',
      Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:root`, 'arn:aws:iam::333333333333:root'] },
      Action: ['ecr:BatchGetImage'],
    }
    fake.seedPolicy(REGION, name, JSON.stringify({ Statement: [stale, ours] }))
    const error = await registry
      .removeCrossAccountAccess(name, access({ accountIds: [ACCOUNT] }))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect((error as Error).message).toContain(
      `one of the principals ${MISSING_ROLE}, arn:aws:iam::333333333333:root`,
    )
    expect(fake.requestsFor('SetRepositoryPolicy')).toHaveLength(1)
  })

  it('other refusals of the policy are not retried', async () => {
    const { registry, name } = await repository([1, 1])
    fake.inject('SetRepositoryPolicy', {
      status: 400,
      body: { __type: 'InvalidParameterException', message: 'Invalid repository policy provided' },
    })
    await expect(
      registry.addCrossAccountAccess(name, access({ accountIds: [ACCOUNT] })),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(fake.requestsFor('SetRepositoryPolicy')).toHaveLength(1)
  })
})

describe('the retry schedule', () => {
  it('by default waits what the README says, in its option and in its behaviour', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const option = /`\{ delaysMs = \[([\d, ]+)\] \}`/.exec(readme)?.[1]
    expect(option?.split(',').map(Number)).toEqual(DEFAULT_PRINCIPAL_RETRY_DELAYS_MS)
    const seconds = DEFAULT_PRINCIPAL_RETRY_DELAYS_MS.map((ms) => ms / 1000)
    const total = seconds.reduce((a, b) => a + b, 0)
    const schedule = `${seconds.slice(0, -1).join(', ')} and ${seconds.at(-1)} s`
    const behaviour = readme.replace(/\s+/g, ' ')
    expect(behaviour).toContain(`again after ${schedule} (${total} s in all,`)
    expect(behaviour).toContain(`retries, ${total} s in all by default`)
  })

  it('refuses delays that are not milliseconds, by path', async () => {
    await expect(
      providerFor(fake, { principalRetry: { delaysMs: [10, -1, Number.NaN] } }),
    ).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      issues: [
        { path: 'principalRetry.delaysMs.1', message: expect.any(String) },
        { path: 'principalRetry.delaysMs.2', message: expect.any(String) },
      ],
    })
  })
})
