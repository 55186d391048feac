import { parseBinding } from '@artifact-registry/core'
import { describe, expect, it } from 'vitest'
import { provision } from '../src/provision/index.js'
import { LOCATION, PROJECT } from './helpers.js'
import {
  accountEmail,
  accountResource,
  derivedId,
  freshRepositoryId,
  provisionOptions,
  repositoryResource,
  useProvisionFake,
  writesIn,
} from './provision-helpers.js'

const fake = await useProvisionFake()

/** Every change provisioning of `repository` from nothing makes, in order. */
function creations(repository: string, runtimeMember: string) {
  const resource = repositoryResource(repository)
  const pull = accountEmail(derivedId(repository, 'pull'))
  const push = accountEmail(derivedId(repository, 'push'))
  return [
    { action: 'create', kind: 'gar-repository', id: resource },
    {
      action: 'create',
      kind: 'service-account',
      id: accountResource(derivedId(repository, 'pull')),
    },
    {
      action: 'create',
      kind: 'service-account',
      id: accountResource(derivedId(repository, 'push')),
    },
    {
      action: 'create',
      kind: 'gar-repository-iam-binding',
      id: `${resource} roles/artifactregistry.reader serviceAccount:${pull}`,
    },
    {
      action: 'create',
      kind: 'gar-repository-iam-binding',
      id: `${resource} roles/artifactregistry.repoAdmin serviceAccount:${push}`,
    },
    {
      action: 'create',
      kind: 'service-account-iam-binding',
      id: `${accountResource(derivedId(repository, 'pull'))} roles/iam.serviceAccountTokenCreator ${runtimeMember}`,
    },
    {
      action: 'create',
      kind: 'service-account-iam-binding',
      id: `${accountResource(derivedId(repository, 'push'))} roles/iam.serviceAccountTokenCreator ${runtimeMember}`,
    },
  ]
}

describe('provision from nothing', () => {
  it('creates the GAR repository, both accounts and their grants, and returns the binding', async () => {
    const repository = freshRepositoryId()
    const result = await provision(provisionOptions(fake, repository, { labels: { team: 'web' } }))
    expect(result.changes).toEqual(creations(repository, fake.caller))
    const binding = {
      platform: 'gcp',
      projectId: PROJECT,
      location: LOCATION,
      repository,
      pullServiceAccount: accountEmail(derivedId(repository, 'pull')),
      pushServiceAccount: accountEmail(derivedId(repository, 'push')),
    }
    expect(result.binding).toEqual(binding)
    expect(parseBinding(result.binding)).toEqual(binding)
    expect(fake.getRepositories()).toContain(repositoryResource(repository))
    expect(fake.getServiceAccounts()).toEqual(
      expect.arrayContaining([binding.pullServiceAccount, binding.pushServiceAccount]),
    )
    expect(fake.getPolicy(repositoryResource(repository)).bindings).toEqual([
      {
        role: 'roles/artifactregistry.reader',
        members: [`serviceAccount:${binding.pullServiceAccount}`],
      },
      {
        role: 'roles/artifactregistry.repoAdmin',
        members: [`serviceAccount:${binding.pushServiceAccount}`],
      },
    ])
    for (const email of [binding.pullServiceAccount, binding.pushServiceAccount]) {
      expect(fake.getPolicy(`projects/${PROJECT}/serviceAccounts/${email}`).bindings).toEqual([
        { role: 'roles/iam.serviceAccountTokenCreator', members: [fake.caller] },
      ])
    }
    // Both policies were written as version 3, with the etag read.
    const writes = [
      ...fake.requestsFor('setIamPolicy'),
      ...fake.requestsFor('setServiceAccountIamPolicy'),
    ]
    expect(writes).toHaveLength(4)
    for (const write of writes) {
      expect(JSON.parse(write.body).policy).toMatchObject({ version: 3, etag: expect.any(String) })
    }
    expect(fake.requestsFor('getServiceAccountIamPolicy')[0]?.url).toContain(
      'options.requestedPolicyVersion=3',
    )
  })

  it('a second run reports every resource unchanged and writes nothing', async () => {
    const repository = freshRepositoryId()
    const first = await provision(provisionOptions(fake, repository))
    fake.reset()
    const second = await provision(provisionOptions(fake, repository))
    expect(second.changes).toEqual(first.changes.map((c) => ({ ...c, action: 'unchanged' })))
    expect(second.binding).toEqual(first.binding)
    expect(writesIn(fake)).toEqual([])
  })
})
