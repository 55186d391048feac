import { type GcpCrossAccountAccess, isArtifactRegistryError } from '@artifact-registry/core'
import { googleError, startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { afterAll, describe, expect, it, onTestFinished } from 'vitest'
import {
  CI_SA,
  KNOWN_IDENTITIES,
  PROJECT,
  providerFor,
  provisionGarRepository,
  rejectionOf,
  WORKER_PROJECT,
} from './helpers.js'

// setIamPolicy refuses members IAM does not know (400 INVALID_ARGUMENT) and, under
// domain-restricted sharing, members from other organisations (400 FAILED_PRECONDITION, "… do
// not belong to a permitted customer"). The provider reports both naming the member, as
// INVALID_ARGUMENT and PERMISSION_DENIED, and writes nothing.

const NONE: GcpCrossAccountAccess = {
  type: 'gcp',
  projectNumbers: [],
  serviceAccountEmails: [],
  allowedServiceTypes: [],
}
const fake = await startGcpFake(KNOWN_IDENTITIES)
afterAll(() => fake.close())

async function setup(on = fake) {
  const { repository, resource } = provisionGarRepository(on)
  const provider = await providerFor(on, repository)
  onTestFinished(() => provider.close())
  return { provider, resource, name: `${PROJECT}/${repository}/app` }
}

describe('members IAM does not know: INVALID_ARGUMENT naming them', () => {
  it('a service account that does not exist', async () => {
    const { provider, name, resource } = await setup()
    const before = fake.getPolicy(resource)
    const ghost = 'ghost@third-project.iam.gserviceaccount.com'
    const err = await rejectionOf(
      provider.addCrossAccountAccess(name, { ...NONE, serviceAccountEmails: [CI_SA, ghost] }),
    )
    expect(isArtifactRegistryError(err, 'INVALID_ARGUMENT'), String(err)).toBe(true)
    expect((err as Error).message).toContain(
      `refused serviceAccount:${ghost}: IAM says it does not exist`,
    )
    expect((err as Error).message).not.toContain(CI_SA)
    expect(fake.getPolicy(resource)).toEqual(before)
  })

  it('a project whose Cloud Run service agent does not exist yet, named by its number', async () => {
    const { provider, name } = await setup()
    const err = await rejectionOf(
      provider.addCrossAccountAccess(name, {
        ...NONE,
        projectNumbers: [WORKER_PROJECT, '999999999999'],
        allowedServiceTypes: ['worker'],
      }),
    )
    expect(isArtifactRegistryError(err, 'INVALID_ARGUMENT'), String(err)).toBe(true)
    expect((err as Error).message).toContain(
      'project 999999999999 (its Cloud Run service agent service-999999999999@serverless-robot-prod.iam.gserviceaccount.com)',
    )
  })

  it('a service account deleted since: granting it again is refused, what was granted stays', async () => {
    await using own = await startGcpFake(KNOWN_IDENTITIES)
    const { provider, name } = await setup(own)
    const leaving = 'leaving@third-project.iam.gserviceaccount.com'
    own.seedServiceAccount(leaving)
    await provider.addCrossAccountAccess(name, { ...NONE, serviceAccountEmails: [leaving] })
    own.deleteServiceAccount(leaving)
    // IAM keeps it as a deleted: member, which is not a grant this provider reports.
    expect((await provider.getCrossAccountAccess(name)).access).toEqual(NONE)
    const err = await rejectionOf(
      provider.addCrossAccountAccess(name, { ...NONE, serviceAccountEmails: [leaving] }),
    )
    expect(isArtifactRegistryError(err, 'INVALID_ARGUMENT'), String(err)).toBe(true)
    expect((err as Error).message).toContain(leaving)
  })

  it('names every member it added when IAM does not say which one', async () => {
    const { provider, name } = await setup()
    fake.inject('setIamPolicy', googleError('INVALID_ARGUMENT', 'A member does not exist.'))
    const err = await rejectionOf(
      provider.addCrossAccountAccess(name, {
        ...NONE,
        projectNumbers: [WORKER_PROJECT],
        serviceAccountEmails: [CI_SA],
        allowedServiceTypes: ['worker'],
      }),
    )
    expect(isArtifactRegistryError(err, 'INVALID_ARGUMENT')).toBe(true)
    expect((err as Error).message).toContain(
      `one of serviceAccount:${CI_SA}, project ${WORKER_PROJECT}`,
    )
  })
})

describe('domain-restricted sharing: PERMISSION_DENIED naming the member', () => {
  it('refuses a member of another organisation, and grants one of ours', async () => {
    await using restricted = await startGcpFake({
      ...KNOWN_IDENTITIES,
      allowedMemberDomains: ['acme-prod.iam.gserviceaccount.com', 'acme.example'],
    })
    const { provider, name, resource } = await setup(restricted)
    const before = restricted.getPolicy(resource)
    const err = await rejectionOf(
      provider.addCrossAccountAccess(name, { ...NONE, serviceAccountEmails: [CI_SA] }),
    )
    expect(isArtifactRegistryError(err, 'PERMISSION_DENIED'), String(err)).toBe(true)
    expect(err).toMatchObject({ platform: 'gcp', retryable: false })
    expect((err as Error).message).toContain(
      `refused serviceAccount:${CI_SA}: the organisation's domain-restricted sharing`,
    )
    expect(restricted.getPolicy(resource)).toEqual(before)

    const ours = `builder@${PROJECT}.iam.gserviceaccount.com`
    restricted.seedServiceAccount(ours)
    await provider.addCrossAccountAccess(name, { ...NONE, serviceAccountEmails: [ours] })
    expect((await provider.getCrossAccountAccess(name)).access).toEqual({
      ...NONE,
      serviceAccountEmails: [ours],
    })
  })

  it('any other FAILED_PRECONDITION of setIamPolicy stays CONFLICT', async () => {
    const { provider, name } = await setup()
    fake.inject(
      'setIamPolicy',
      googleError('FAILED_PRECONDITION', 'The resource is being deleted.'),
    )
    const err = await rejectionOf(
      provider.addCrossAccountAccess(name, { ...NONE, serviceAccountEmails: [CI_SA] }),
    )
    expect(isArtifactRegistryError(err, 'CONFLICT'), String(err)).toBe(true)
  })
})
