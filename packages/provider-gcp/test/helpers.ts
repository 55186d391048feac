import { randomBytes } from 'node:crypto'
import { GRANTEE_IDENTITIES } from '@artifact-registry/testing'
import {
  cloudRunServiceAgent,
  type FakeIamBinding,
  type GcpFake,
  type GcpFakeOptions,
  startGcpFake,
} from '@artifact-registry/testing/fakes/gcp'
import { afterAll, beforeEach } from 'vitest'
import { type GcpProvider, type GcpProviderOptions, gcp } from '../src/index.js'

export const PROJECT = 'acme-prod'
export const LOCATION = 'us-central1'
export const HOST = 'us-central1-docker.pkg.dev'
export const PULL_SA = 'puller@acme-prod.iam.gserviceaccount.com'
export const PUSH_SA = 'pusher@acme-prod.iam.gserviceaccount.com'
export const READER = 'roles/artifactregistry.reader'
/** What the README tells users to give the push account: push-pull deletes too. */
export const REPO_ADMIN = 'roles/artifactregistry.repoAdmin'
export const AUDITOR_SA = 'auditor@acme-prod.iam.gserviceaccount.com'
/** A service account and a project of other teams that tests grant access to. */
export const CI_SA = 'ci@third-project.iam.gserviceaccount.com'
export const WORKER_PROJECT = '123456789012'

/**
 * The identities that exist in the fake tests start: IAM refuses a policy naming anyone else.
 * The cross-account samples of the contract suite are among them.
 */
export const KNOWN_IDENTITIES: GcpFakeOptions = {
  serviceAccounts: [
    PULL_SA,
    PUSH_SA,
    AUDITOR_SA,
    CI_SA,
    'puller@other-project.iam.gserviceaccount.com',
    cloudRunServiceAgent(WORKER_PROJECT),
    // The contract suite pulls as these when it checks grants at the registry.
    GRANTEE_IDENTITIES.gcp.serviceAccount.serviceAccountEmail,
    GRANTEE_IDENTITIES.gcp.otherServiceAccount.serviceAccountEmail,
  ],
  principals: ['group:auditors@acme.example'],
}

/** What the infrastructure grants on a real GAR repository before this library touches it. */
export const INFRA_BINDINGS: readonly FakeIamBinding[] = [
  { role: READER, members: [`serviceAccount:${PULL_SA}`] },
  { role: REPO_ADMIN, members: [`serviceAccount:${PUSH_SA}`] },
  {
    role: READER,
    members: ['group:auditors@acme.example', `serviceAccount:${AUDITOR_SA}`],
    condition: {
      title: 'office hours',
      description: 'auditors read during office hours only',
      expression: 'request.time.getHours("Europe/Berlin") < 18',
    },
  },
]

/** The fake for one test file: reset before each test, so none sees another's state; closed after the last. */
export async function useGcpFake(): Promise<GcpFake> {
  const fake = await startGcpFake(KNOWN_IDENTITIES)
  afterAll(() => fake.close())
  beforeEach(() => fake.reset())
  return fake
}

/** A fresh GAR repository in the fake, with the infrastructure's grants on it. */
export function provisionGarRepository(
  fake: GcpFake,
  bindings: readonly FakeIamBinding[] = INFRA_BINDINGS,
): { repository: string; resource: string } {
  const repository = `images-${randomBytes(4).toString('hex')}`
  const resource = fake.seedRepository({ project: PROJECT, location: LOCATION, repository })
  fake.seedPolicy(resource, { version: 3, bindings: structuredClone([...bindings]) })
  return { repository, resource }
}

/**
 * The provider wired to the fake (the caller's identity, Artifact Registry and IAM Credentials
 * all served by it), with both service accounts and no retry delays.
 */
export async function providerFor(
  fake: GcpFake,
  repository: string,
  overrides: Partial<GcpProviderOptions> = {},
): Promise<GcpProvider> {
  return gcp({
    projectId: PROJECT,
    location: LOCATION,
    repository,
    pullServiceAccount: PULL_SA,
    pushServiceAccount: PUSH_SA,
    ...fake.providerOptions(),
    policyRetry: { attempts: 5, baseDelayMs: 0 },
    ...overrides,
  })
}

/** The JSON body of a recorded request. */
export function bodyOf(request: { body: string }): Record<string, unknown> {
  return JSON.parse(request.body) as Record<string, unknown>
}

/** Await a promise that must reject; returns the rejection. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected the promise to reject')
}
