import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import { PROJECT } from './helpers.js'
import {
  freshRepositoryId,
  provisionOptions,
  READ_OPERATIONS,
  repositoryResource,
  useProvisionFake,
  writesIn,
} from './provision-helpers.js'

// A dry run reports exactly what a real run then does, and sends only reads.

const fake = await useProvisionFake()

describe('dryRun', () => {
  it('from nothing: the changes a real run then makes, through reads only, and nothing made', async () => {
    const repository = freshRepositoryId()
    const options = provisionOptions(fake, repository)
    const dry = await provision({ ...options, dryRun: true })
    expect(writesIn(fake)).toEqual([])
    // The control: reads were sent, and the set of reads is not empty by accident.
    expect(fake.requests.some((r) => READ_OPERATIONS.has(r.operation))).toBe(true)
    expect(fake.getRepositories()).not.toContain(repositoryResource(repository))
    expect(fake.getServiceAccounts()).not.toContain(dry.binding.pullServiceAccount)
    const real = await provision(options)
    expect(dry).toEqual(real)
    expect(real.changes.every((c) => c.action === 'create')).toBe(true)
  })

  it('after drift: the repairs a real run then makes, through reads only', async () => {
    const repository = freshRepositoryId()
    const options = provisionOptions(fake, repository, { labels: { team: 'web' } })
    const { binding } = await provision(options)
    fake.seedPolicy(repositoryResource(repository), { version: 1, bindings: [] })
    fake.seedPolicy(`projects/${PROJECT}/serviceAccounts/${binding.pushServiceAccount}`, {
      version: 1,
      bindings: [],
    })
    fake.deleteServiceAccount(binding.pullServiceAccount)
    fake.reset()
    const dry = await provision({ ...options, dryRun: true })
    expect(writesIn(fake)).toEqual([])
    const real = await provision(options)
    expect(dry.changes).toEqual(real.changes)
    expect(real.changes.map((c) => c.action)).toEqual([
      'unchanged',
      'create',
      'unchanged',
      'update',
      'update',
      'create',
      'update',
    ])
  })

  it('deprovision: the deletions a real run then makes, through reads only', async () => {
    const repository = freshRepositoryId()
    const options = provisionOptions(fake, repository)
    await provision(options)
    fake.reset()
    const dry = await deprovision({ ...options, dryRun: true })
    expect(writesIn(fake)).toEqual([])
    expect(fake.getRepositories()).toContain(repositoryResource(repository))
    const real = await deprovision(options)
    expect(dry).toEqual(real)
    expect(real.changes.map((c) => c.action)).toEqual(['delete', 'delete', 'delete'])
  })
})
