import { ArtifactRegistryError } from '@artifact-registry/core'
import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import { rejectionOf } from './helpers.js'
import {
  accountEmail,
  freshRepositoryId,
  provisionOptions,
  repositoryResource,
  useProvisionFake,
  writesIn,
} from './provision-helpers.js'

const fake = await useProvisionFake()

describe('provisioning options', () => {
  it('reports every bad field as INVALID_CONFIG before any call', async () => {
    const err = await rejectionOf(
      provision({
        ...provisionOptions(fake, 'Images!'),
        projectId: 'x',
        location: 'Mars',
        pullServiceAccountId: 'short',
        pushServiceAccountId: 'ends-with-hyphen-',
        runtimeMember: 'api@acme-prod.iam.gserviceaccount.com',
        labels: { Team: 'web', tier: 'Prod' },
        iamEndpoint: 'https://iam.example/v1',
        policyRetry: { attempts: 0 },
        dryRun: 'yes' as unknown as boolean,
      }),
    )
    expect(err).toBeInstanceOf(ArtifactRegistryError)
    expect((err as ArtifactRegistryError).code).toBe('INVALID_CONFIG')
    expect((err as ArtifactRegistryError).issues.map((i) => i.path)).toEqual([
      'projectId',
      'location',
      'repository',
      'pullServiceAccountId',
      'pushServiceAccountId',
      'runtimeMember',
      'labels.Team',
      'labels.tier',
      'iamEndpoint',
      'dryRun',
      'policyRetry.attempts',
    ])
    expect(fake.requests).toEqual([])
  })

  it('refuses a field it does not know, naming it, before any call (provision and deprovision)', async () => {
    // Left out, the labels would be missing without a word.
    const options = { ...provisionOptions(fake, freshRepositoryId()), label: { team: 'web' } }
    for (const [run, purpose] of [
      [() => provision(options), 'provision'],
      [() => deprovision(options), 'deprovision'],
    ] as const) {
      const err = await rejectionOf(run())
      expect((err as ArtifactRegistryError).issues).toEqual([
        { path: 'label', message: `is not an option of ${purpose}` },
      ])
    }
    expect(fake.requests).toEqual([])
  })

  it('refuses an unknown field of policyRetry by path, before any call (provision and deprovision)', async () => {
    const options = {
      ...provisionOptions(fake, freshRepositoryId()),
      policyRetry: { attempt: 8 } as never,
    }
    for (const run of [() => provision(options), () => deprovision(options)]) {
      const err = await rejectionOf(run())
      expect((err as ArtifactRegistryError).issues).toEqual([
        {
          path: 'policyRetry.attempt',
          message: 'is not an option of policyRetry; did you mean attempts?',
        },
      ])
    }
    expect(fake.requests).toEqual([])
  })

  it('refuses the same id for both accounts, and needs runtimeMember to provision only', async () => {
    const same = await rejectionOf(
      provision({
        ...provisionOptions(fake, freshRepositoryId()),
        pullServiceAccountId: 'images-sa',
        pushServiceAccountId: 'images-sa',
        runtimeMember: undefined as unknown as string,
      }),
    )
    expect((same as ArtifactRegistryError).issues.map((i) => i.path)).toEqual([
      'pushServiceAccountId',
      'runtimeMember',
    ])
    const { runtimeMember: _, ...withoutMember } = provisionOptions(fake, freshRepositoryId())
    await expect(deprovision(withoutMember)).resolves.toMatchObject({ changes: expect.any(Array) })
  })

  it("refuses a runtimeMember whose type is not written as IAM's (the type is case-sensitive)", async () => {
    for (const runtimeMember of [
      'ServiceAccount:api@acme-prod.iam.gserviceaccount.com',
      'USER:ops@acme.example',
      'Principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/subject/s',
    ]) {
      const err = await rejectionOf(
        provision({ ...provisionOptions(fake, freshRepositoryId()), runtimeMember }),
      )
      expect((err as ArtifactRegistryError).code, runtimeMember).toBe('INVALID_CONFIG')
      expect(
        (err as ArtifactRegistryError).issues.map((i) => i.path),
        runtimeMember,
      ).toEqual(['runtimeMember'])
    }
    expect(fake.requests).toEqual([])
    // The email itself is not case-sensitive: IAM takes it in any case.
    const options = provisionOptions(fake, freshRepositoryId(), { dryRun: true })
    const runtimeMember = 'serviceAccount:API@acme-prod.iam.gserviceaccount.com'
    await expect(provision({ ...options, runtimeMember })).resolves.toMatchObject({
      changes: expect.any(Array),
    })
  })

  it("refuses a location too long for the accounts' ownership mark (IAM keeps 256 characters of a description)", async () => {
    const location = `us-${'a'.repeat(61)}`
    const err = await rejectionOf(provision(provisionOptions(fake, 'images', { location })))
    expect((err as ArtifactRegistryError).issues).toEqual([
      { path: 'location', message: 'must be at most 63 characters' },
    ])
    expect(fake.requests).toEqual([])
  })

  it('leaves room for the ownership label among the 64 labels a GAR repository may carry', async () => {
    const labels = (count: number): Record<string, string> =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`l${i}`, 'v']))
    // 64 of the caller's and the ownership mark would be 65: GAR would refuse the create.
    const err = await rejectionOf(
      provision(provisionOptions(fake, freshRepositoryId(), { labels: labels(64) })),
    )
    expect((err as ArtifactRegistryError).code).toBe('INVALID_CONFIG')
    expect((err as ArtifactRegistryError).issues).toEqual([
      {
        path: 'labels',
        message:
          'must have at most 63 labels (a GAR repository carries 64, one of them the ownership label)',
      },
    ])
    expect(fake.requests).toEqual([])
    const repository = freshRepositoryId()
    await provision(provisionOptions(fake, repository, { labels: labels(63) }))
    expect(fake.getRepositories()).toContain(repositoryResource(repository))
  })

  it('derives account ids within 6-30 characters from a long repository id, the same each time', async () => {
    const repository = `a-rather-long-repository-${freshRepositoryId()}`
    const options = provisionOptions(fake, repository, { dryRun: true })
    const { binding } = await provision(options)
    const pull = binding.pullServiceAccount.split('@')[0] ?? ''
    const push = binding.pushServiceAccount.split('@')[0] ?? ''
    for (const id of [pull, push]) expect(id).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])$/)
    expect(pull.length).toBeLessThanOrEqual(30)
    expect(pull).not.toBe(push)
    expect((await provision(options)).binding).toEqual(binding)
    const given = await provision({
      ...options,
      pullServiceAccountId: 'web-puller',
      pushServiceAccountId: 'web-pusher',
    })
    expect(given.binding).toMatchObject({
      pullServiceAccount: accountEmail('web-puller'),
      pushServiceAccount: accountEmail('web-pusher'),
    })
  })
})

describe('cancelling', () => {
  it('an aborted signal rejects with its reason before any call', async () => {
    const controller = new AbortController()
    controller.abort(new Error('stop'))
    const options = provisionOptions(fake, freshRepositoryId(), { signal: controller.signal })
    await expect(provision(options)).rejects.toThrow('stop')
    await expect(deprovision(options)).rejects.toThrow('stop')
    expect(fake.requests).toEqual([])
  })

  it('aborting during a run stops it after the change under way', async () => {
    const controller = new AbortController()
    const decided: string[] = []
    const options = provisionOptions(fake, freshRepositoryId(), {
      signal: controller.signal,
      onChange: (change) => {
        decided.push(change.kind)
        if (change.kind === 'service-account') controller.abort(new Error('stop'))
      },
    })
    await expect(provision(options)).rejects.toThrow('stop')
    expect(decided).toEqual(['gar-repository', 'service-account'])
    // The repository was created; the account whose creation was under way was not.
    expect(writesIn(fake)).toEqual(['createRepository'])
  })
})
