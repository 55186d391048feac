import type { GcpCrossAccountAccess } from '@artifact-registry/core'
import {
  cloudRunServiceAgent,
  type FakeIamBinding,
  startGcpFake,
} from '@artifact-registry/testing/fakes/gcp'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import {
  INFRA_BINDINGS,
  KNOWN_IDENTITIES,
  PROJECT,
  providerFor,
  provisionGarRepository,
  READER,
} from './helpers.js'

const EMAILS = [
  'a@p1.iam.gserviceaccount.com',
  'b@p2.iam.gserviceaccount.com',
  'c@p3.iam.gserviceaccount.com',
]
const PROJECTS = ['100000000001', '100000000002', '100000000003']

// IAM takes only members that exist: every account and service agent the model may grant.
const fake = await startGcpFake({
  ...KNOWN_IDENTITIES,
  serviceAccounts: [
    ...(KNOWN_IDENTITIES.serviceAccounts ?? []),
    ...EMAILS,
    ...PROJECTS.map(cloudRunServiceAgent),
  ],
})
afterAll(() => fake.close())

const accessArb: fc.Arbitrary<GcpCrossAccountAccess> = fc
  .record({
    emails: fc.subarray(EMAILS),
    projects: fc.subarray(PROJECTS),
  })
  .map(({ emails, projects }) => ({
    type: 'gcp',
    projectNumbers: projects,
    serviceAccountEmails: emails,
    allowedServiceTypes: projects.length > 0 ? ['worker'] : [],
  }))

const opArb = fc.record({
  kind: fc.constantFrom('add', 'remove'),
  access: accessArb,
  // A concurrent writer changes the policy between our read and our write.
  race: fc.boolean(),
})

/** The grant set as the model keeps it: one key per member. */
function keysOf(access: GcpCrossAccountAccess): string[] {
  return [
    ...access.serviceAccountEmails.map((e) => `sa:${e}`),
    ...access.projectNumbers.map((n) => `p:${n}`),
  ]
}

function accessOfKeys(keys: ReadonlySet<string>): GcpCrossAccountAccess {
  const pick = (prefix: string): string[] =>
    [...keys]
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length))
      .sort()
  const projectNumbers = pick('p:')
  return {
    type: 'gcp',
    projectNumbers,
    serviceAccountEmails: pick('sa:'),
    allowedServiceTypes: projectNumbers.length > 0 ? ['worker'] : [],
  }
}

describe('add/remove sequences (property)', () => {
  it('get always equals the model; foreign bindings survive, concurrent ones too', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 8 }), async (ops) => {
        fake.reset()
        const { repository, resource } = provisionGarRepository(fake)
        await using provider = await providerFor(fake, repository)
        const name = `${PROJECT}/${repository}/app`
        const model = new Set<string>()
        const foreign: FakeIamBinding[] = INFRA_BINDINGS.filter(
          (b) => b.role !== READER || b.condition,
        )
        for (const [i, op] of ops.entries()) {
          if (op.race) {
            fake.inject('setIamPolicy', {
              before: () => {
                const theirs = { role: 'roles/viewer', members: [`user:racer${i}@acme.example`] }
                foreign.push(theirs)
                fake.seedPolicy(resource, {
                  version: 3,
                  bindings: [...fake.getPolicy(resource).bindings, theirs],
                })
              },
            })
          }
          if (op.kind === 'add') {
            await provider.addCrossAccountAccess(name, op.access)
            for (const key of keysOf(op.access)) model.add(key)
          } else {
            await provider.removeCrossAccountAccess(name, op.access)
            for (const key of keysOf(op.access)) model.delete(key)
          }
          fake.reset()
          expect((await provider.getCrossAccountAccess(name)).access).toEqual(accessOfKeys(model))
        }
        const policy = fake.getPolicy(resource)
        expect(policy.bindings.filter((b) => b.role !== READER || b.condition)).toEqual(foreign)
        expect(policy.version).toBe(3)
      }),
      { numRuns: 40 },
    )
    // Each run starts a provider and makes a few dozen requests to the fake.
  }, 60_000)
})
