import { type GcpCrossAccountAccess, isArtifactRegistryError } from '@artifact-registry/core'
import type { FakeIamBinding, GcpFake } from '@artifact-registry/testing/fakes/gcp'
import { describe, expect, it, onTestFinished } from 'vitest'
import {
  bodyOf,
  INFRA_BINDINGS,
  PROJECT,
  PULL_SA,
  providerFor,
  provisionGarRepository,
  READER,
  rejectionOf,
  useGcpFake,
} from './helpers.js'

const fake = await useGcpFake()

const CI_SA = 'ci@third-project.iam.gserviceaccount.com'
const GRANT: GcpCrossAccountAccess = {
  type: 'gcp',
  projectNumbers: ['123456789012'],
  serviceAccountEmails: [CI_SA],
  allowedServiceTypes: ['worker'],
}
const AGENT = 'serviceAccount:service-123456789012@serverless-robot-prod.iam.gserviceaccount.com'
const NONE: GcpCrossAccountAccess = {
  type: 'gcp',
  projectNumbers: [],
  serviceAccountEmails: [],
  allowedServiceTypes: [],
}

async function setup(bindings: readonly FakeIamBinding[] = INFRA_BINDINGS) {
  const { repository, resource } = provisionGarRepository(fake, bindings)
  const provider = await providerFor(fake, repository)
  onTestFinished(() => provider.close())
  return { provider, resource, name: `${PROJECT}/${repository}/my-app` }
}

function foreignBindings(f: GcpFake, resource: string): FakeIamBinding[] {
  return f.getPolicy(resource).bindings.filter((b) => b.role !== READER || b.condition)
}

describe('IAM policy writes', () => {
  it('requests policy version 3 and writes version 3', async () => {
    const { provider, name } = await setup()
    await provider.addCrossAccountAccess(name, GRANT)
    for (const read of fake.requestsFor('getIamPolicy')) {
      expect(read.url).toContain('options.requestedPolicyVersion=3')
    }
    const [write] = fake.requestsFor('setIamPolicy')
    expect((bodyOf(write ?? { body: '{}' }).policy as { version: number }).version).toBe(3)
  })

  it('grants the reader role to the account and to the Cloud Run service agent', async () => {
    const { provider, name, resource } = await setup()
    await provider.addCrossAccountAccess(name, GRANT)
    const managed = fake
      .getPolicy(resource)
      .bindings.find((b) => b.role === READER && b.condition === undefined)
    expect(managed?.members).toEqual([
      `serviceAccount:${PULL_SA}`,
      `serviceAccount:${CI_SA}`,
      AGENT,
    ])
  })

  it('preserves every other binding and condition byte for byte', async () => {
    const { provider, name, resource } = await setup()
    const before = JSON.stringify(foreignBindings(fake, resource))
    await provider.addCrossAccountAccess(name, GRANT)
    expect(JSON.stringify(foreignBindings(fake, resource))).toBe(before)
    await provider.removeCrossAccountAccess(name, GRANT)
    expect(JSON.stringify(foreignBindings(fake, resource))).toBe(before)
    expect(fake.getPolicy(resource).bindings).toEqual(INFRA_BINDINGS)
  })

  it('always sends the etag it read', async () => {
    const { provider, name, resource } = await setup()
    const etag = fake.getPolicy(resource).etag
    await provider.addCrossAccountAccess(name, GRANT)
    const written = fake.getPolicy(resource).etag
    await provider.removeCrossAccountAccess(name, GRANT)
    const etags = fake
      .requestsFor('setIamPolicy')
      .map((r) => (bodyOf(r).policy as { etag?: string }).etag)
    expect(etags).toEqual([etag, written])
  })

  it('writes nothing when nothing changes', async () => {
    const { provider, name } = await setup()
    await provider.addCrossAccountAccess(name, GRANT)
    await provider.addCrossAccountAccess(name, GRANT)
    await provider.removeCrossAccountAccess(name, {
      ...NONE,
      serviceAccountEmails: ['never@granted.iam.gserviceaccount.com'],
    })
    expect(fake.requestsFor('setIamPolicy')).toHaveLength(1)
  })

  it('drops the managed binding once its last member is removed', async () => {
    const others = INFRA_BINDINGS.filter((b) => b.role !== READER || b.condition)
    const { provider, name, resource } = await setup(others)
    await provider.addCrossAccountAccess(name, GRANT)
    await provider.removeCrossAccountAccess(name, GRANT)
    expect(fake.getPolicy(resource).bindings).toEqual(others)
  })
})

describe('concurrent writers', () => {
  it('retries on ABORTED: our grant lands and theirs survives', async () => {
    const { provider, name, resource } = await setup()
    const theirs: FakeIamBinding = { role: 'roles/viewer', members: ['user:alice@acme.example'] }
    fake.inject('setIamPolicy', {
      before: () => {
        const current = fake.getPolicy(resource)
        fake.seedPolicy(resource, { version: 3, bindings: [...current.bindings, theirs] })
      },
    })
    await provider.addCrossAccountAccess(name, GRANT)
    expect(fake.getPolicy(resource).bindings).toContainEqual(theirs)
    expect((await provider.getCrossAccountAccess(name)).access).toEqual(GRANT)
    expect(fake.requestsFor('setIamPolicy')).toHaveLength(2)
  })

  it('changes of one GAR repository in one process never race: a burst of revocations all land', async () => {
    const tenants = Array.from(
      { length: 8 },
      (_, i) => `t${i}@tenant-project.iam.gserviceaccount.com`,
    )
    const { repository, resource } = provisionGarRepository(fake)
    fake.seedPolicy(resource, {
      version: 3,
      bindings: [
        ...INFRA_BINDINGS,
        { role: READER, members: tenants.map((t) => `serviceAccount:${t}`) },
      ],
    })
    // One attempt: a change that lost a race to another of this process would fail.
    await using provider = await providerFor(fake, repository, { policyRetry: { attempts: 1 } })
    const results = await Promise.allSettled(
      tenants.map((email, i) =>
        provider.removeCrossAccountAccess(`${PROJECT}/${repository}/app-${i}`, {
          ...NONE,
          serviceAccountEmails: [email],
        }),
      ),
    )
    expect(results.filter((r) => r.status === 'rejected')).toEqual([])
    expect((await provider.getCrossAccountAccess(`${PROJECT}/${repository}/app-0`)).access).toEqual(
      NONE,
    )
    expect(fake.requestsFor('setIamPolicy')).toHaveLength(tenants.length)
  })

  it('gives up with CONFLICT after the configured attempts', async () => {
    const { repository, resource } = provisionGarRepository(fake)
    await using provider = await providerFor(fake, repository, {
      policyRetry: { attempts: 3, baseDelayMs: 0 },
    })
    let writes = 0
    fake.inject(
      'setIamPolicy',
      {
        before: () => {
          writes += 1
          fake.seedPolicy(resource, {
            version: 3,
            bindings: [
              ...INFRA_BINDINGS,
              { role: 'roles/viewer', members: [`user:u${writes}@x.example`] },
            ],
          })
        },
      },
      { times: Number.POSITIVE_INFINITY },
    )
    const err = await rejectionOf(
      provider.addCrossAccountAccess(`${PROJECT}/${repository}/a`, GRANT),
    )
    expect(isArtifactRegistryError(err, 'CONFLICT')).toBe(true)
    expect(fake.requestsFor('getIamPolicy')).toHaveLength(3)
    expect(fake.requestsFor('setIamPolicy')).toHaveLength(3)
  })
})

describe('a failed read is never an empty policy', () => {
  for (const [fault, code] of [
    ['unavailable', 'UNAVAILABLE'],
    ['access-denied', 'PERMISSION_DENIED'],
    ['server-error', 'UNAVAILABLE'],
  ] as const) {
    it(`getIamPolicy ${fault}: ${code}, and nothing is written`, async () => {
      const { provider, name, resource } = await setup()
      const before = fake.getPolicy(resource)
      for (const call of [
        () => provider.addCrossAccountAccess(name, GRANT),
        () => provider.removeCrossAccountAccess(name, GRANT),
        () => provider.getCrossAccountAccess(name),
      ]) {
        fake.inject('getIamPolicy', fault)
        const err = await rejectionOf(call())
        expect(isArtifactRegistryError(err, code), String(err)).toBe(true)
      }
      expect(fake.requestsFor('setIamPolicy')).toHaveLength(0)
      expect(fake.getPolicy(resource)).toEqual(before)
    })
  }

  it('a policy read without an etag is not written back', async () => {
    const { provider, name } = await setup()
    fake.inject('getIamPolicy', { status: 200, body: { version: 3, bindings: [] } })
    const err = await rejectionOf(provider.addCrossAccountAccess(name, GRANT))
    expect(isArtifactRegistryError(err, 'INTERNAL')).toBe(true)
    expect(fake.requestsFor('setIamPolicy')).toHaveLength(0)
  })
})

describe("a grant past IAM's size limit", () => {
  it("is INVALID_ARGUMENT with IAM's reason, and leaves the policy as it was", async () => {
    // 1,496 principals besides the infrastructure's 4 (domains: IAM does not look them up).
    const filler = Array.from({ length: 1496 }, (_, i) => `domain:tenant-${i}.example`)
    const { provider, name, resource } = await setup([
      ...INFRA_BINDINGS,
      { role: 'roles/artifactregistry.reader', members: filler },
    ])
    const before = fake.getPolicy(resource)
    const err = await rejectionOf(provider.addCrossAccountAccess(name, GRANT))
    expect(isArtifactRegistryError(err, 'INVALID_ARGUMENT'), String(err)).toBe(true)
    expect((err as Error).message).toMatch(/1,502 principals/)
    expect(fake.getPolicy(resource)).toEqual(before)
  })
})

describe('getCrossAccountAccess', () => {
  it("reports only the members of our role's unconditional binding", async () => {
    const { provider, name } = await setup([
      ...INFRA_BINDINGS,
      {
        role: 'roles/artifactregistry.writer',
        members: ['serviceAccount:w@x.iam.gserviceaccount.com'],
      },
      { role: 'roles/artifactregistry.admin', members: [AGENT] },
      {
        role: READER,
        members: ['serviceAccount:timed@x.iam.gserviceaccount.com'],
        condition: {
          title: 'until',
          expression: 'request.time < timestamp("2030-01-01T00:00:00Z")',
        },
      },
      {
        role: READER,
        members: [
          'user:bob@acme.example',
          'group:devs@acme.example',
          'domain:acme.example',
          'deleted:serviceAccount:gone@x.iam.gserviceaccount.com?uid=123',
          `serviceAccount:${CI_SA}`,
        ],
      },
    ])
    const { access, lastUpdated } = await provider.getCrossAccountAccess(name)
    expect(access).toEqual({ ...NONE, serviceAccountEmails: [CI_SA] })
    expect(lastUpdated).toBeNull()
  })
})

describe('a removal reaches the member however IAM spells it', () => {
  const only = (email: string): GcpCrossAccountAccess => ({
    ...NONE,
    serviceAccountEmails: [email],
  })
  // The reader binding's members but the provider's own puller, which provisioning put there.
  const managedMembers = (resource: string): string[] =>
    fake
      .getPolicy(resource)
      .bindings.filter((b) => b.role === READER && b.condition === undefined)
      .flatMap((b) => b.members)
      .filter((m) => m !== `serviceAccount:${PULL_SA}`)

  it('an email in other case is the same member: removed, and not added twice', async () => {
    const { provider, name, resource } = await setup()
    await provider.addCrossAccountAccess(name, only(CI_SA.toUpperCase()))
    await provider.addCrossAccountAccess(name, only(CI_SA))
    expect(managedMembers(resource)).toEqual([`serviceAccount:${CI_SA.toUpperCase()}`])
    await provider.removeCrossAccountAccess(name, only(CI_SA))
    expect(managedMembers(resource)).toEqual([])
    expect((await provider.getCrossAccountAccess(name)).access).toEqual(NONE)
  })

  it("a deleted account's member goes with it: undeleted, it would hold the role again", async () => {
    const { provider, name, resource } = await setup()
    await provider.addCrossAccountAccess(name, only(CI_SA))
    fake.deleteServiceAccount(CI_SA)
    onTestFinished(() => fake.seedServiceAccount(CI_SA))
    expect(managedMembers(resource)).toEqual([
      expect.stringMatching(new RegExp(`^deleted:serviceAccount:${CI_SA}\\?uid=\\d+$`)),
    ])
    await provider.removeCrossAccountAccess(name, only(CI_SA.toUpperCase()))
    expect(managedMembers(resource)).toEqual([])
  })

  // get reads the members of every unconditional reader binding, so remove must reach each one:
  // a member left in the second would still pull, and still be reported.
  it('a member of two unconditional reader bindings is removed from both', async () => {
    const second = { role: READER, members: [`serviceAccount:${CI_SA}`, AGENT] }
    const { provider, name, resource } = await setup([...INFRA_BINDINGS, second])
    expect(managedMembers(resource)).toEqual([`serviceAccount:${CI_SA}`, AGENT])
    await provider.removeCrossAccountAccess(name, GRANT)
    expect(managedMembers(resource)).toEqual([])
    expect((await provider.getCrossAccountAccess(name)).access).toEqual(NONE)
  })

  it("a new account under a deleted one's email is granted anew", async () => {
    const { provider, name, resource } = await setup()
    await provider.addCrossAccountAccess(name, only(CI_SA))
    fake.deleteServiceAccount(CI_SA)
    fake.seedServiceAccount(CI_SA) // a new account, with a new uid
    await provider.addCrossAccountAccess(name, only(CI_SA))
    expect(managedMembers(resource)).toEqual([
      expect.stringMatching(/^deleted:serviceAccount:/),
      `serviceAccount:${CI_SA}`,
    ])
    expect((await provider.getCrossAccountAccess(name)).access).toEqual(only(CI_SA))
  })
})

describe('grants belong to the GAR repository, as capabilities say', () => {
  it('a grant made through one image path is reported, and removed, through every other', async () => {
    const { provider, name } = await setup()
    expect(provider.capabilities.repositoryScopedGrants).toBe(false)
    const other = name.replace(/\/my-app$/, '/other/app')
    await provider.addCrossAccountAccess(name, GRANT)
    expect((await provider.getCrossAccountAccess(other)).access).toEqual(GRANT)
    await provider.removeCrossAccountAccess(other, GRANT)
    expect((await provider.getCrossAccountAccess(name)).access).toEqual(NONE)
  })
})

describe('argument checks', () => {
  it('refuses a field it does not know, naming it, rather than revoke less than asked', async () => {
    const { provider, name } = await setup()
    await provider.addCrossAccountAccess(name, GRANT)
    fake.reset()
    // `serviceAccounts` for `serviceAccountEmails`: ignored, the removal would keep CI_SA's grant.
    const misspelt = { ...GRANT, serviceAccountEmails: [], serviceAccounts: [CI_SA] }
    for (const change of [provider.removeCrossAccountAccess, provider.addCrossAccountAccess]) {
      const err = await rejectionOf(change.call(provider, name, misspelt))
      expect(isArtifactRegistryError(err, 'INVALID_ARGUMENT'), String(err)).toBe(true)
      expect(String(err)).toContain('"serviceAccounts" is not one of its fields')
    }
    expect(fake.requests).toHaveLength(0)
    expect((await provider.getCrossAccountAccess(name)).access).toEqual(GRANT)
  })

  const invalid: [string, GcpCrossAccountAccess][] = [
    ['its own pull account', { ...NONE, serviceAccountEmails: [PULL_SA] }],
    // IAM ignores an email's case: in capitals it is still the provider's puller, whose role a
    // removal would take away.
    [
      'its own pull account in capitals',
      { ...NONE, serviceAccountEmails: [PULL_SA.toUpperCase()] },
    ],
    ['a prefixed member', { ...NONE, serviceAccountEmails: [`serviceAccount:${CI_SA}`] }],
    ['project numbers without worker', { ...NONE, projectNumbers: ['123456789012'] }],
    ['worker without project numbers', { ...NONE, allowedServiceTypes: ['worker'] }],
    ['a project id', { ...GRANT, projectNumbers: ['acme-prod'] }],
  ]
  for (const [what, access] of invalid) {
    it(`refuses ${what} with INVALID_ARGUMENT, before any request`, async () => {
      const { provider, name } = await setup()
      fake.reset()
      for (const call of [
        () => provider.addCrossAccountAccess(name, access),
        () => provider.removeCrossAccountAccess(name, access),
      ]) {
        const err = await rejectionOf(call())
        expect(isArtifactRegistryError(err, 'INVALID_ARGUMENT')).toBe(true)
      }
      expect(fake.requests).toHaveLength(0)
    })
  }
})
