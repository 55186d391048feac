import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import { registryErrorOf } from './helpers.js'
import { deprovisionOptions, provisionOptions } from './provision-helpers.js'

// Bad options fail before any call, naming every bad field; platform refusals and cancellation
// come back as the documented errors.

const fake = await startAwsFake()
afterAll(() => fake.close())
beforeEach(() => fake.reset())

describe('invalid options: INVALID_CONFIG listing each field, and no call', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['a name too long for {name}-push', { name: 'n'.repeat(60) }, ['name']],
    ['a name IAM refuses', { name: 'acme team' }, ['name', 'repositoryPrefix']],
    ['a name that cannot be the default prefix', { name: 'Acme' }, ['repositoryPrefix']],
    ['a bad prefix', { repositoryPrefix: 'UPPER' }, ['repositoryPrefix']],
    [
      // 180 fits beside the us-east-1 host; the longer ap-southeast-1 host leaves room for 177.
      'a prefix too long for a name beside a replica region host',
      { repositoryPrefix: 'p'.repeat(180), replicationRegions: ['ap-southeast-1'] },
      ['repositoryPrefix'],
    ],
    ['a bad region', { region: 'nowhere' }, ['region']],
    ['no trusted principal', { trustedPrincipals: [] }, ['trustedPrincipals']],
    [
      'a principal that is not a role or user ARN, and one of another partition',
      {
        trustedPrincipals: [
          'arn:aws:iam::123456789012:group/devs',
          'arn:aws-cn:iam::123456789012:role/app',
        ],
      },
      ['trustedPrincipals.0', 'trustedPrincipals.1'],
    ],
    [
      'the home region as a replica',
      { replicationRegions: ['us-east-1'] },
      ['replicationRegions.0'],
    ],
    [
      'a boundary that is not a policy ARN',
      { permissionsBoundaryArn: 'boundary' },
      ['permissionsBoundaryArn'],
    ],
    [
      'a reserved tag key and a tag value too long',
      { tags: { 'aws:owner': 'x', team: 'v'.repeat(257) } },
      ['tags.aws:owner', 'tags.team'],
    ],
    [
      'the ownership tag, which provisioning sets itself',
      { tags: { 'artifact-registry:repository-prefix': 'other' } },
      ['tags.artifact-registry:repository-prefix'],
    ],
    [
      // IAM compares a role's tag keys without case: this one would overwrite the ownership mark.
      'the ownership tag in another case',
      { tags: { 'Artifact-Registry:Repository-Prefix': 'other' } },
      ['tags.Artifact-Registry:Repository-Prefix'],
    ],
    [
      // One role tag to IAM, so one value would silently replace the other (IAM refuses both at once).
      'two tag keys that differ only in case',
      { tags: { Team: 'a', team: 'b' } },
      ['tags.team'],
    ],
    ['a dryRun that is not a boolean', { dryRun: 'true' }, ['dryRun']],
    ['an onChange that is not a function', { onChange: 'log' }, ['onChange']],
    [
      'an IAM endpoint that is not a URL',
      { clientConfig: { iamEndpoint: 'not a url' } },
      ['clientConfig.iamEndpoint'],
    ],
    [
      // Left out, the boundary would be missing from the roles without a word.
      'a misspelt option (permissionBoundaryArn) and one of no provider',
      { permissionBoundaryArn: 'arn:aws:iam::123456789012:policy/boundary', bogus: 'x' },
      ['permissionBoundaryArn', 'bogus'],
    ],
    ['force, an option of deprovision only', { force: true }, ['force']],
  ]
  it.each(cases)('%s', async (_, overrides, paths) => {
    const error = await registryErrorOf(provision({ ...provisionOptions(fake), ...overrides }))
    expect(error.code).toBe('INVALID_CONFIG')
    expect(error.issues.map((i) => i.path)).toEqual(paths)
    expect(fake.requests).toEqual([])
  })

  it('deprovision checks its options too', async () => {
    const error = await registryErrorOf(
      deprovision({ ...deprovisionOptions(fake), name: '', region: 'x' }),
    )
    expect(error.issues.map((i) => i.path)).toEqual(['name', 'region', 'repositoryPrefix'])
    expect(fake.requests).toEqual([])
  })

  it("deprovision checks the run's flags and the options it shares with provision", async () => {
    const error = await registryErrorOf(
      deprovision({
        ...deprovisionOptions(fake),
        force: 'yes',
        dryRun: 1,
        replicationRegions: ['us-east-1'],
        trustedPrincipals: ['nobody'],
      } as never),
    )
    expect(error.issues.map((i) => i.path)).toEqual([
      'trustedPrincipals.0',
      'replicationRegions.0',
      'dryRun',
      'force',
    ])
    expect(fake.requests).toEqual([])
  })

  it('deprovision refuses a field it does not know, naming it', async () => {
    const error = await registryErrorOf(
      deprovision({ ...deprovisionOptions(fake), repositoryPrefx: 'acme' } as never),
    )
    expect(error.issues).toEqual([
      { path: 'repositoryPrefx', message: 'is not an option of deprovision' },
    ])
    expect(fake.requests).toEqual([])
  })
})

describe('deprovision takes the options of provision', () => {
  it('as they are, or without what only creation needs', async () => {
    const options = provisionOptions(fake, { name: 'same', tags: { team: 'a' } })
    await provision(options)
    expect((await deprovision({ ...options, dryRun: true })).changes).toHaveLength(4)
    const { trustedPrincipals: _, tags: __, ...withoutCreation } = options
    expect((await deprovision(withoutCreation)).changes).toHaveLength(4)
    expect(fake.getRole('same-pull')).toBeUndefined()
  })
})

describe('platform refusals', () => {
  it('a trusted principal IAM does not know: INVALID_ARGUMENT naming it, no role left half-made', async () => {
    const missing = 'arn:aws:iam::123456789012:role/not-created-yet'
    const error = await registryErrorOf(
      provision(provisionOptions(fake, { name: 'ghost', trustedPrincipals: [missing] })),
    )
    expect(error.code).toBe('INVALID_ARGUMENT')
    expect(error.message).toContain(missing)
    expect(fake.getRole('ghost-pull')).toBeUndefined()
  })

  it('credentials of another partition than the region: INVALID_CONFIG after GetCallerIdentity', async () => {
    const error = await registryErrorOf(
      provision(
        provisionOptions(fake, {
          region: 'cn-north-1',
          trustedPrincipals: ['arn:aws-cn:iam::123456789012:role/app'],
        }),
      ),
    )
    expect(error.code).toBe('INVALID_CONFIG')
    expect(error.message).toMatch(/partition aws, but region cn-north-1 is in aws-cn/)
    expect(fake.requests.map((r) => r.operation)).toEqual(['GetCallerIdentity'])
  })

  it('an IAM fault is mapped like any AWS error', async () => {
    fake.inject('GetRole', 'throttling')
    const error = await registryErrorOf(provision(provisionOptions(fake, { name: 'slow' })))
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryable: true })
    expect(error.message).toContain('GetRole failed')
  })
})

describe('signal', () => {
  it('already aborted: rejects with its reason before any call', async () => {
    const reason = new Error('stop')
    await expect(
      provision({ ...provisionOptions(fake), signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason)
    await expect(
      deprovision({ ...deprovisionOptions(fake), signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason)
    expect(fake.requests).toEqual([])
  })

  it('aborted during a call: rejects with its reason and makes no further call', async () => {
    const controller = new AbortController()
    const reason = new Error('cancelled mid-run')
    fake.inject('CreateRole', { before: () => controller.abort(reason) })
    await expect(
      provision({ ...provisionOptions(fake, { name: 'midway' }), signal: controller.signal }),
    ).rejects.toBe(reason)
    expect(fake.requests.at(-1)?.operation).toBe('CreateRole')
  })
})
