import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import { PROJECT, rejectionOf } from './helpers.js'
import {
  accountEmail,
  accountResource,
  derivedId,
  freshRepositoryId,
  garClientOf,
  provisionOptions,
  repositoryResource,
  useProvisionFake,
  writesIn,
} from './provision-helpers.js'

// Converge: whatever was taken away from what provisioning made is put back and reported, and
// nothing of anyone else's is touched.

const fake = await useProvisionFake({ principals: ['group:auditors@acme.example'] })
const TOKEN_CREATOR = 'roles/iam.serviceAccountTokenCreator'

/** Provision a fresh GAR repository, then clear the request log. */
async function provisioned() {
  const repository = freshRepositoryId()
  const options = provisionOptions(fake, repository)
  const { binding } = await provision(options)
  fake.reset()
  const pullPolicy = `projects/${PROJECT}/serviceAccounts/${binding.pullServiceAccount}`
  return { repository, options, binding, resource: repositoryResource(repository), pullPolicy }
}

/** The changes of a run that are not `unchanged`. */
function changed(changes: { action: string }[]) {
  return changes.filter((c) => c.action !== 'unchanged')
}

describe('provision converges', () => {
  it('puts back a grant removed from the GAR repository, keeping every other binding and member', async () => {
    const { options, binding, resource } = await provisioned()
    const conditional = {
      role: 'roles/artifactregistry.reader',
      members: ['group:auditors@acme.example'],
      condition: { title: 'office hours', expression: 'request.time.getHours("UTC") < 18' },
    }
    fake.seedPolicy(resource, {
      version: 3,
      bindings: [
        { role: 'roles/artifactregistry.reader', members: ['group:auditors@acme.example'] },
        {
          role: 'roles/artifactregistry.repoAdmin',
          members: [`serviceAccount:${binding.pushServiceAccount}`],
        },
        conditional,
      ],
    })
    const { changes } = await provision(options)
    expect(changed(changes)).toEqual([
      {
        action: 'update',
        kind: 'gar-repository-iam-binding',
        id: `${resource} roles/artifactregistry.reader serviceAccount:${binding.pullServiceAccount}`,
        detail: expect.stringContaining('granted again'),
      },
    ])
    expect(fake.getPolicy(resource).bindings).toEqual([
      {
        role: 'roles/artifactregistry.reader',
        members: ['group:auditors@acme.example', `serviceAccount:${binding.pullServiceAccount}`],
      },
      {
        role: 'roles/artifactregistry.repoAdmin',
        members: [`serviceAccount:${binding.pushServiceAccount}`],
      },
      conditional,
    ])
  })

  it("puts back the runtime's token creator role on an account, removing other token creators and keeping everything else", async () => {
    const { options, pullPolicy, repository } = await provisioned()
    const conditional = {
      role: TOKEN_CREATOR,
      members: ['group:auditors@acme.example'],
      condition: { title: 'office hours', expression: 'request.time.getHours("UTC") < 18' },
    }
    const viewer = { role: 'roles/viewer', members: ['group:auditors@acme.example'] }
    fake.seedPolicy(pullPolicy, {
      version: 3,
      bindings: [
        { role: TOKEN_CREATOR, members: ['group:auditors@acme.example'] },
        viewer,
        conditional,
      ],
    })
    const account = accountResource(derivedId(repository, 'pull'))
    const { changes } = await provision(options)
    expect(changed(changes)).toEqual([
      {
        action: 'update',
        kind: 'service-account-iam-binding',
        id: `${account} ${TOKEN_CREATOR} ${fake.caller}`,
        detail: expect.stringContaining('granted again'),
      },
      {
        action: 'delete',
        kind: 'service-account-iam-binding',
        id: `${account} ${TOKEN_CREATOR} group:auditors@acme.example`,
        detail: expect.stringContaining('not runtimeMember'),
      },
    ])
    expect(fake.getPolicy(pullPolicy).bindings).toEqual([
      { role: TOKEN_CREATOR, members: [fake.caller] },
      viewer,
      conditional,
    ])
  })

  it('takes the token creator role on both accounts away from a former runtimeMember, after granting the new one', async () => {
    const repository = freshRepositoryId()
    const former = 'group:auditors@acme.example'
    const first = await provision(provisionOptions(fake, repository, { runtimeMember: former }))
    const policies = [first.binding.pullServiceAccount, first.binding.pushServiceAccount].map(
      (email) => `projects/${PROJECT}/serviceAccounts/${email}`,
    )
    for (const policy of policies) {
      expect(fake.getPolicy(policy).bindings).toEqual([{ role: TOKEN_CREATOR, members: [former] }])
    }
    fake.reset()
    const dry = await provision({ ...provisionOptions(fake, repository), dryRun: true })
    expect(writesIn(fake)).toEqual([])
    const { changes } = await provision(provisionOptions(fake, repository))
    expect(changed(dry.changes)).toEqual(changed(changes))
    expect(changed(changes)).toEqual(
      ['pull', 'push'].flatMap((access) => {
        const account = accountResource(derivedId(repository, access as 'pull' | 'push'))
        return [
          expect.objectContaining({
            action: 'update',
            id: `${account} ${TOKEN_CREATOR} ${fake.caller}`,
          }),
          expect.objectContaining({
            action: 'delete',
            id: `${account} ${TOKEN_CREATOR} ${former}`,
          }),
        ]
      }),
    )
    for (const policy of policies) {
      expect(fake.getPolicy(policy).bindings).toEqual([
        { role: TOKEN_CREATOR, members: [fake.caller] },
      ])
    }
    fake.reset()
    const again = await provision(provisionOptions(fake, repository))
    expect(changed(again.changes)).toEqual([])
    expect(writesIn(fake)).toEqual([])
  })

  it('creates a deleted account again, with its grants', async () => {
    const { options, binding, resource, repository } = await provisioned()
    fake.deleteServiceAccount(binding.pushServiceAccount)
    const { changes } = await provision(options)
    expect(changed(changes)).toEqual([
      {
        action: 'create',
        kind: 'service-account',
        id: accountResource(derivedId(repository, 'push')),
      },
      expect.objectContaining({
        // The repository's policy now names the old account as deleted: the new one is granted.
        action: 'update',
        id: `${resource} roles/artifactregistry.repoAdmin serviceAccount:${binding.pushServiceAccount}`,
      }),
      {
        action: 'create',
        kind: 'service-account-iam-binding',
        id: `${accountResource(derivedId(repository, 'push'))} ${TOKEN_CREATOR} ${fake.caller}`,
      },
    ])
    expect(fake.getServiceAccounts()).toContain(binding.pushServiceAccount)
  })

  it('adds labels the GAR repository lacks or holds otherwise, keeping labels of its own', async () => {
    const repository = freshRepositoryId()
    await provision(provisionOptions(fake, repository, { labels: { team: 'web', tier: 'prod' } }))
    const client = garClientOf(fake)
    const name = repositoryResource(repository)
    // Someone edits the labels, keeping provisioning's ownership mark.
    const mark = { 'artifact-registry-provisioned': repository }
    await client.updateRepository({
      repository: { name, labels: { team: 'api', owner: 'ops', ...mark } },
      updateMask: { paths: ['labels'] },
    })
    fake.reset()
    const { changes } = await provision(
      provisionOptions(fake, repository, { labels: { team: 'web', tier: 'prod' } }),
    )
    expect(changed(changes)).toEqual([
      {
        action: 'update',
        kind: 'gar-repository',
        id: name,
        detail: 'labels team, tier missing or different',
      },
    ])
    const [stored] = await client.getRepository({ name })
    expect(stored.labels).toEqual({ team: 'web', tier: 'prod', owner: 'ops', ...mark })
    await client.close()
  })

  it('retries a policy write that lost to a concurrent writer from a fresh read, keeping what it wrote', async () => {
    const { options, binding, resource, pullPolicy } = await provisioned()
    fake.seedPolicy(resource, { version: 1, bindings: [] })
    fake.seedPolicy(pullPolicy, { version: 1, bindings: [] })
    const foreign = { role: 'roles/viewer', members: ['group:auditors@acme.example'] }
    fake.inject('setIamPolicy', {
      before: () => void fake.seedPolicy(resource, { version: 1, bindings: [foreign] }),
    })
    fake.inject('setServiceAccountIamPolicy', {
      before: () => void fake.seedPolicy(pullPolicy, { version: 1, bindings: [foreign] }),
    })
    await provision(options)
    // One stale write each, then a write from a fresh read (and the repository's second grant).
    expect(fake.requestsFor('setServiceAccountIamPolicy').length).toBe(2)
    expect(fake.requestsFor('setIamPolicy').length).toBe(3)
    expect(fake.getPolicy(resource).bindings).toEqual(
      expect.arrayContaining([
        foreign,
        {
          role: 'roles/artifactregistry.reader',
          members: [`serviceAccount:${binding.pullServiceAccount}`],
        },
      ]),
    )
    expect(fake.getPolicy(pullPolicy).bindings).toEqual([
      foreign,
      { role: TOKEN_CREATOR, members: [fake.caller] },
    ])
  })

  /** Provision and a forced deprovision of `repository` are INVALID_CONFIG naming `what`, writing nothing. */
  async function expectBothRefused(repository: string, what: string): Promise<void> {
    fake.reset()
    const options = provisionOptions(fake, repository)
    for (const run of [provision, deprovision]) {
      const err = await rejectionOf(
        run(run === deprovision ? { ...options, force: true } : options),
      )
      expect(err, what).toMatchObject({
        code: 'INVALID_CONFIG',
        message: expect.stringContaining(what),
      })
    }
    expect(writesIn(fake)).toEqual([])
    expect(fake.getRepositories()).toContain(repositoryResource(repository))
  }

  it('refuses a remote or virtual GAR repository with INVALID_CONFIG, even carrying the ownership label, writing nothing', async () => {
    for (const mode of ['REMOTE_REPOSITORY', 'VIRTUAL_REPOSITORY'] as const) {
      const repository = freshRepositoryId()
      const client = garClientOf(fake)
      // Labelled by hand: provisioning never creates one of these modes.
      const [operation] = await client.createRepository({
        parent: `projects/${PROJECT}/locations/us-central1`,
        repositoryId: repository,
        repository: {
          format: 'DOCKER',
          mode,
          labels: { 'artifact-registry-provisioned': repository },
        },
      })
      await operation.promise()
      await client.close()
      await expectBothRefused(repository, mode)
    }
  })

  it('refuses a GAR repository of another format with INVALID_CONFIG, to provision or deprovision, writing nothing', async () => {
    const repository = freshRepositoryId()
    const client = garClientOf(fake)
    const [operation] = await client.createRepository({
      parent: `projects/${PROJECT}/locations/us-central1`,
      repositoryId: repository,
      repository: { format: 'MAVEN' },
    })
    await operation.promise()
    await client.close()
    await expectBothRefused(repository, 'MAVEN')
    expect(fake.getServiceAccounts()).not.toContain(accountEmail(derivedId(repository, 'pull')))
  })
})
