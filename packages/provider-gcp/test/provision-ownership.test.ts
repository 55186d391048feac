import type { ArtifactRegistryError } from '@artifact-registry/core'
import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import { LOCATION, PROJECT, rejectionOf } from './helpers.js'
import {
  accountEmail,
  derivedId,
  freshRepositoryId,
  provisionOptions,
  useProvisionFake,
  withGarClient,
  writesIn,
} from './provision-helpers.js'

// Provisioning owns only what it made: a GAR repository carrying its label, accounts whose
// description (the ownership mark) names the access and the GAR repository's resource name. The
// same repository id in another location gets accounts of its own; any other existing GAR
// repository or account is refused with CONFLICT, by provision and deprovision alike, and never
// granted on or deleted.

const OTHER_LOCATION = 'europe-west1'
// An account of the project made by hand, nobody its token creator: a grant on it would show.
const FOREIGN_ID = 'deploy-robot'
const FOREIGN = accountEmail(FOREIGN_ID)
const fake = await useProvisionFake({ serviceAccounts: [{ email: FOREIGN, tokenCreators: [] }] })

/** The GAR repository's resource name in `location`. */
function resourceIn(location: string, repository: string): string {
  return `projects/${PROJECT}/locations/${location}/repositories/${repository}`
}

/** The members of every binding of a policy the fake holds. */
function membersOf(resource: string): string[] {
  return fake.getPolicy(resource).bindings.flatMap((b) => b.members)
}

/** The account's description, read through the IAM API as anyone would. */
async function descriptionOf(email: string): Promise<string | undefined> {
  const { authClient } = fake.providerOptions()
  const { data } = await authClient.request<{ description?: string }>({
    url: `${fake.url}/v1/projects/${PROJECT}/serviceAccounts/${email}`,
  })
  return data.description
}

describe('account ids and ownership', () => {
  it('the same repository id in two locations gets distinct accounts, each granted on its own GAR repository only', async () => {
    const repository = freshRepositoryId()
    const central = await provision(provisionOptions(fake, repository))
    const europe = await provision(provisionOptions(fake, repository, { location: OTHER_LOCATION }))
    // Nothing of the first is taken as the second's.
    expect(europe.changes.map((c) => c.action)).toEqual(Array(7).fill('create'))
    expect(central.binding.pullServiceAccount).toBe(accountEmail(derivedId(repository, 'pull')))
    const europeIds = [europe.binding.pullServiceAccount, europe.binding.pushServiceAccount].map(
      (email) => email.split('@')[0] ?? '',
    )
    // `{repository}-europe-west1-pull` is 31 characters: cut, with a hash, the access kept.
    for (const [id, access] of [
      [europeIds[0], 'pull'],
      [europeIds[1], 'push'],
    ] as const) {
      expect(id).toMatch(new RegExp(`^${repository.slice(0, 13)}-euro-[0-9a-f]{6}-${access}$`))
      expect(id?.length).toBeLessThanOrEqual(30)
    }
    const centralAccounts = [central.binding.pullServiceAccount, central.binding.pushServiceAccount]
    const europeAccounts = [europe.binding.pullServiceAccount, europe.binding.pushServiceAccount]
    expect(new Set([...centralAccounts, ...europeAccounts]).size).toBe(4)
    expect(membersOf(resourceIn(LOCATION, repository))).toEqual(
      centralAccounts.map((email) => `serviceAccount:${email}`),
    )
    expect(membersOf(resourceIn(OTHER_LOCATION, repository))).toEqual(
      europeAccounts.map((email) => `serviceAccount:${email}`),
    )
    expect(await descriptionOf(europeAccounts[0] ?? '')).toBe(
      `artifact-registry provisioning: pull account of ${resourceIn(OTHER_LOCATION, repository)}`,
    )

    // Deprovisioning one location leaves the other's accounts and grants as they were.
    await deprovision(provisionOptions(fake, repository, { location: OTHER_LOCATION }))
    expect(fake.getServiceAccounts()).toEqual(expect.arrayContaining(centralAccounts))
    for (const email of europeAccounts) expect(fake.getServiceAccounts()).not.toContain(email)
    expect(membersOf(resourceIn(LOCATION, repository))).toEqual(
      centralAccounts.map((email) => `serviceAccount:${email}`),
    )
    fake.reset()
    const again = await provision(provisionOptions(fake, repository))
    expect(again.changes.every((c) => c.action === 'unchanged')).toBe(true)
  })

  it('refuses an existing account it did not make, before any write, and never deletes it', async () => {
    const repository = freshRepositoryId()
    const options = provisionOptions(fake, repository, { pullServiceAccountId: FOREIGN_ID })
    const refused = await rejectionOf(provision(options))
    expect(refused).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(FOREIGN) })
    expect((refused as ArtifactRegistryError).message).toContain('pullServiceAccountId')
    expect(writesIn(fake)).toEqual([])
    expect(await rejectionOf(provision({ ...options, dryRun: true }))).toMatchObject({
      code: 'CONFLICT',
    })

    const gone = await rejectionOf(deprovision({ ...options, force: true }))
    expect(gone).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(FOREIGN) })
    expect(writesIn(fake)).toEqual([])
    expect(fake.getServiceAccounts()).toContain(FOREIGN)
    expect(fake.getPolicy(`projects/${PROJECT}/serviceAccounts/${FOREIGN}`).bindings).toEqual([])
  })

  it('refuses an account someone else creates between its read and the create (ALREADY_EXISTS)', async () => {
    const repository = freshRepositoryId()
    const racer = accountEmail(derivedId(repository, 'pull'))
    fake.inject('createServiceAccount', {
      before: () => fake.seedServiceAccount({ email: racer, tokenCreators: [] }),
    })
    const refused = await rejectionOf(provision(provisionOptions(fake, repository)))
    expect(refused).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(racer) })
    expect(fake.getPolicy(`projects/${PROJECT}/serviceAccounts/${racer}`).bindings).toEqual([])
  })

  it('refuses an account made by hand under the derived id', async () => {
    const repository = freshRepositoryId()
    const handMade = accountEmail(derivedId(repository, 'push'))
    fake.seedServiceAccount({ email: handMade, tokenCreators: [] })
    const refused = await rejectionOf(provision(provisionOptions(fake, repository)))
    expect(refused).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(handMade) })
    expect(writesIn(fake)).toEqual([])
    await expect(deprovision(provisionOptions(fake, repository))).rejects.toMatchObject({
      code: 'CONFLICT',
    })
    expect(fake.getServiceAccounts()).toContain(handMade)
  })

  it('refuses the accounts provisioning made for another GAR repository, or for the other access', async () => {
    const ids = { pullServiceAccountId: 'shared-puller', pushServiceAccountId: 'shared-pusher' }
    const first = freshRepositoryId()
    await provision(provisionOptions(fake, first, ids))
    const second = freshRepositoryId()
    await expect(provision(provisionOptions(fake, second, ids))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(accountEmail('shared-puller')),
    })
    await expect(
      deprovision({ ...provisionOptions(fake, second, ids), force: true }),
    ).rejects.toMatchObject({ code: 'CONFLICT' })
    const swapped = { pullServiceAccountId: 'shared-pusher', pushServiceAccountId: 'shared-puller' }
    await expect(provision(provisionOptions(fake, first, swapped))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(accountEmail('shared-pusher')),
    })
    expect(fake.getServiceAccounts()).toEqual(
      expect.arrayContaining([accountEmail('shared-puller'), accountEmail('shared-pusher')]),
    )
    expect(
      membersOf(`projects/${PROJECT}/serviceAccounts/${accountEmail('shared-puller')}`),
    ).toEqual([fake.caller])
  })
})

describe('GAR repository ownership', () => {
  it('marks the GAR repository it creates with a label naming it', async () => {
    const repository = freshRepositoryId()
    await provision(provisionOptions(fake, repository, { labels: { team: 'web' } }))
    const [stored] = await withGarClient(fake, (client) =>
      client.getRepository({ name: resourceIn(LOCATION, repository) }),
    )
    expect(stored.labels).toEqual({ team: 'web', 'artifact-registry-provisioned': repository })
  })

  it('refuses a GAR repository made by hand, keeps it and its images, and adopts it once labelled', async () => {
    const repository = freshRepositoryId()
    const resource = fake.seedRepository({ project: PROJECT, location: LOCATION, repository })
    fake.seedImage(resource, 'app')
    fake.reset()
    const options = provisionOptions(fake, repository)
    for (const run of [provision, deprovision]) {
      const refused = await rejectionOf(
        run(run === deprovision ? { ...options, force: true } : options),
      )
      expect(refused).toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining(`${resource} exists but was not made by provisioning`),
      })
    }
    expect(writesIn(fake)).toEqual([])
    expect(fake.getRepositories()).toContain(resource)
    expect(fake.getImagePaths(resource)).toEqual(['app'])

    // Its owner hands it over with the label the CONFLICT names.
    await withGarClient(fake, (client) =>
      client.updateRepository({
        repository: { name: resource, labels: { 'artifact-registry-provisioned': repository } },
        updateMask: { paths: ['labels'] },
      }),
    )
    const { changes } = await provision(options)
    expect(changes[0]).toEqual({ action: 'unchanged', kind: 'gar-repository', id: resource })
  })

  it('refuses the ownership label among the labels to set', async () => {
    const err = await rejectionOf(
      provision(
        provisionOptions(fake, freshRepositoryId(), {
          labels: { 'artifact-registry-provisioned': 'other' },
        }),
      ),
    )
    expect((err as ArtifactRegistryError).issues).toEqual([
      {
        path: 'labels.artifact-registry-provisioned',
        message: "is provisioning's own ownership mark",
      },
    ])
  })
})
