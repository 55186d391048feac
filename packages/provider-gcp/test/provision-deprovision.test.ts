import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import { PROJECT, rejectionOf } from './helpers.js'
import {
  accountResource,
  derivedId,
  freshRepositoryId,
  provisionOptions,
  repositoryResource,
  useProvisionFake,
  writesIn,
} from './provision-helpers.js'

const OTHER_SA = `someone-else@${PROJECT}.iam.gserviceaccount.com`
// A package a page: the images listed on a later page are named too.
const fake = await useProvisionFake({ serviceAccounts: [OTHER_SA], pageLimit: 1 })

describe('deprovision', () => {
  it('refuses with CONFLICT naming the images the GAR repository holds, then deletes them with force', async () => {
    const repository = freshRepositoryId()
    const options = provisionOptions(fake, repository)
    const { binding } = await provision(options)
    const resource = repositoryResource(repository)
    fake.seedImage(resource, 'team/app')
    fake.seedImage(resource, 'web')
    fake.reset()
    const refused = await rejectionOf(deprovision(options))
    expect(refused).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/2 image path\(s\): team\/app, web; .*force: true/),
    })
    expect(writesIn(fake)).toEqual([])
    expect(fake.getRepositories()).toContain(resource)

    const { changes } = await deprovision({ ...options, force: true })
    expect(changes).toEqual([
      {
        action: 'delete',
        kind: 'gar-repository',
        id: resource,
        detail: 'with its images: team/app, web',
      },
      {
        action: 'delete',
        kind: 'service-account',
        id: accountResource(derivedId(repository, 'pull')),
      },
      {
        action: 'delete',
        kind: 'service-account',
        id: accountResource(derivedId(repository, 'push')),
      },
    ])
    expect(fake.getRepositories()).not.toContain(resource)
    expect(fake.getServiceAccounts()).not.toContain(binding.pullServiceAccount)
    expect(fake.getServiceAccounts()).not.toContain(binding.pushServiceAccount)
    // Only what provisioning made: another account of the project stays.
    expect(fake.getServiceAccounts()).toContain(OTHER_SA)
  })

  it('deletes an empty GAR repository without force; a second run finds everything gone and reports no changes', async () => {
    const repository = freshRepositoryId()
    const options = provisionOptions(fake, repository)
    await provision(options)
    const first = await deprovision(options)
    expect(first.changes.map((c) => c.action)).toEqual(['delete', 'delete', 'delete'])
    fake.reset()
    const second = await deprovision(options)
    expect(second.changes).toEqual([])
    expect(writesIn(fake)).toEqual([])
  })

  it('leaves out of the changes what is already gone, and deletes the rest', async () => {
    const repository = freshRepositoryId()
    const options = provisionOptions(fake, repository)
    const { binding } = await provision(options)
    fake.deleteServiceAccount(binding.pushServiceAccount)
    const { changes } = await deprovision(options)
    expect(changes).toEqual([
      { action: 'delete', kind: 'gar-repository', id: repositoryResource(repository) },
      {
        action: 'delete',
        kind: 'service-account',
        id: accountResource(derivedId(repository, 'pull')),
      },
    ])
    expect(fake.getServiceAccounts()).not.toContain(binding.pullServiceAccount)
  })
})
