import { type AwsFake, startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { TagRoleCommand } from '@aws-sdk/client-iam'
import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import { REGION } from './helpers.js'
import { conflictOf, deprovisionOptions, iamOf, provisionOptions } from './provision-helpers.js'

// Bindings of one account whose prefixes overlap (`acme` and `acme-dev`: `acme-dev-app` is under
// both) would reach each other's repositories: provisioning refuses the second, and
// deprovisioning never deletes another binding's repositories.

const ACCOUNT = '123456789012'

describe('provision refuses a prefix that overlaps one provisioned in the account', () => {
  const cases: [string, string, string, string][] = [
    ['a longer one after a shorter', 'acme', 'acme-dev', 'prefix acme of role acme-pull'],
    ['a shorter one after a longer', 'acme-dev', 'acme', 'prefix acme-dev of role acme-dev-pull'],
  ]
  it.each(cases)('%s', async (_, first, second, named) => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake, { name: first }))
    const { message } = await conflictOf(provision(provisionOptions(fake, { name: second })))
    expect(message).toContain(`${named}, which overlaps ${second}`)
    expect(fake.getRoleNames()).toEqual([`${first}-pull`, `${first}-push`])
  })

  it('the same prefix under another name', async () => {
    await using fake = await startAwsFake()
    await provision(provisionOptions(fake))
    const { message } = await conflictOf(
      provision(provisionOptions(fake, { name: 'other', repositoryPrefix: 'acme' })),
    )
    expect(message).toContain('prefix acme of role acme-pull, which overlaps acme')
  })

  it('found on any page of ListRoles, and prefixes that only look alike pass', async () => {
    await using fake = await startAwsFake({ iamPageLimit: 1 })
    for (const name of ['zeta', 'acme', 'acmeish']) {
      await provision(provisionOptions(fake, { name }))
    }
    const { message } = await conflictOf(provision(provisionOptions(fake, { name: 'acme-dev' })))
    expect(message).toContain('prefix acme of role acme-pull')
    expect(message).not.toContain('acmeish')
  })
})

describe('deprovision', () => {
  /** Two bindings that overlap, as an account provisioned before the check may hold them. */
  async function overlapping(fake: AwsFake): Promise<void> {
    await provision(provisionOptions(fake))
    await provision(provisionOptions(fake, { name: 'dev', repositoryPrefix: 'dev' }))
    const iam = iamOf(fake)
    for (const RoleName of ['dev-pull', 'dev-push']) {
      const Tags = [{ Key: 'artifact-registry:repository-prefix', Value: 'acme-dev' }]
      await iam.send(new TagRoleCommand({ RoleName, Tags }))
    }
    iam.destroy()
    fake.seedRepository(REGION, 'acme-app')
    fake.seedRepository(REGION, 'acme-dev-app')
  }

  it("neither counts nor deletes a longer provisioned prefix's repositories, and lists them", async () => {
    await using fake = await startAwsFake()
    await overlapping(fake)
    const { message } = await conflictOf(deprovision(deprovisionOptions(fake)))
    expect(message).toContain(`repository acme-app (${REGION})`)
    expect(message).not.toContain('acme-dev-app')
    const result = await deprovision(deprovisionOptions(fake, { force: true }))
    expect(result.skipped).toEqual([
      `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/acme-dev-app (prefix acme-dev)`,
    ])
    expect(result.changes.filter((c) => c.kind === 'ecr-repository')).toEqual([
      {
        action: 'delete',
        kind: 'ecr-repository',
        id: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/acme-app`,
      },
    ])
    expect(fake.getRepositoryNames(REGION)).toEqual(['acme-dev-app'])
    expect(fake.getRoleNames()).toEqual(['dev-pull', 'dev-push'])
  })
})
