import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import { PROJECT } from './helpers.js'
import {
  accountEmail,
  derivedId,
  freshRepositoryId,
  provisionOptions,
  repositoryResource,
  useProvisionFake,
  writesIn,
} from './provision-helpers.js'

// A binding's accounts may be renamed (new pullServiceAccountId / pushServiceAccountId). The
// accounts provisioning made before stay behind, and their former runtimeMember may still mint
// their tokens: provisioning must take their grants on the GAR repository away, or that member
// keeps pulling, pushing and deleting there.

const FORMER_MEMBER = 'group:auditors@acme.example'
// An account made by hand and granted on the GAR repository: not provisioning's, never touched.
const HAND_MADE = accountEmail('hand-made-reader')
const fake = await useProvisionFake({
  // One account a page: deprovision must read every page of serviceAccounts.list.
  pageLimit: 1,
  principals: [FORMER_MEMBER],
  serviceAccounts: [{ email: HAND_MADE, tokenCreators: [] }],
})

/** The unconditional members of `role` on the GAR repository. */
function membersOf(repository: string, role: string): string[] {
  return fake
    .getPolicy(repositoryResource(repository))
    .bindings.filter((b) => b.role === role && b.condition === undefined)
    .flatMap((b) => b.members)
}

describe('provision after the accounts were renamed', () => {
  it("takes the former accounts' grants on the GAR repository away, and only theirs", async () => {
    const repository = freshRepositoryId()
    await provision(provisionOptions(fake, repository, { runtimeMember: FORMER_MEMBER }))
    const former = {
      pull: accountEmail(derivedId(repository, 'pull')),
      push: accountEmail(derivedId(repository, 'push')),
    }
    fake.seedPolicy(repositoryResource(repository), {
      ...fake.getPolicy(repositoryResource(repository)),
      bindings: [
        ...fake.getPolicy(repositoryResource(repository)).bindings,
        { role: 'roles/artifactregistry.reader', members: [`serviceAccount:${HAND_MADE}`] },
      ],
    })
    const renamed = provisionOptions(fake, repository, {
      pullServiceAccountId: `${repository}-puller`,
      pushServiceAccountId: `${repository}-pusher`,
    })
    fake.reset()
    const dry = await provision({ ...renamed, dryRun: true })
    expect(writesIn(fake)).toEqual([])
    const { binding, changes } = await provision(renamed)
    expect(dry.changes).toEqual(changes)
    const resource = repositoryResource(repository)
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'delete',
          kind: 'gar-repository-iam-binding',
          id: `${resource} roles/artifactregistry.reader serviceAccount:${former.pull}`,
        }),
        expect.objectContaining({
          action: 'delete',
          kind: 'gar-repository-iam-binding',
          id: `${resource} roles/artifactregistry.repoAdmin serviceAccount:${former.push}`,
        }),
      ]),
    )
    expect(membersOf(repository, 'roles/artifactregistry.reader').sort()).toEqual(
      [`serviceAccount:${HAND_MADE}`, `serviceAccount:${binding.pullServiceAccount}`].sort(),
    )
    expect(membersOf(repository, 'roles/artifactregistry.repoAdmin')).toEqual([
      `serviceAccount:${binding.pushServiceAccount}`,
    ])
    // The former member still mints the former accounts' tokens: they must reach nothing.
    const formerPolicy = `projects/${PROJECT}/serviceAccounts/${former.push}`
    expect(fake.getPolicy(formerPolicy).bindings.flatMap((b) => b.members)).toContain(FORMER_MEMBER)
    fake.reset()
    const again = await provision(renamed)
    expect(again.changes.filter((c) => c.action !== 'unchanged')).toEqual([])
    expect(writesIn(fake)).toEqual([])
  })
})

describe('deprovision after the accounts were renamed', () => {
  it("deletes the accounts provisioned before the rename too, and no one else's", async () => {
    const repository = freshRepositoryId()
    const other = freshRepositoryId()
    await provision(provisionOptions(fake, repository))
    // Another GAR repository's accounts carry its own mark: never this binding's.
    await provision(provisionOptions(fake, other))
    const former = [
      accountEmail(derivedId(repository, 'pull')),
      accountEmail(derivedId(repository, 'push')),
    ]
    const renamed = provisionOptions(fake, repository, {
      pullServiceAccountId: `${repository}-puller`,
      pushServiceAccountId: `${repository}-pusher`,
    })
    await provision(renamed)
    fake.reset()
    const dry = await deprovision({ ...renamed, dryRun: true })
    expect(writesIn(fake)).toEqual([])
    const { changes } = await deprovision(renamed)
    expect(dry.changes).toEqual(changes)
    for (const email of former) {
      expect(changes).toContainEqual(
        expect.objectContaining({
          action: 'delete',
          kind: 'service-account',
          id: `projects/${PROJECT}/serviceAccounts/${email}`,
        }),
      )
    }
    const left = fake.getServiceAccounts()
    for (const email of former) expect(left).not.toContain(email)
    expect(left).toContain(HAND_MADE)
    expect(left).toContain(accountEmail(derivedId(other, 'pull')))
    expect(left).toContain(accountEmail(derivedId(other, 'push')))
    fake.reset()
    const again = await deprovision(renamed)
    expect(again.changes).toEqual([])
  })
})
