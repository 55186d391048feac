import type { GcpCrossAccountAccess } from '@artifact-registry/core'
import { gcp } from '@artifact-registry/provider-gcp'
import type { RecordedRequest } from '@artifact-registry/testing/fakes'
import { cloudRunServiceAgent, startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { LogCursor, type Subject } from '../subject.js'

const PROJECT = 'acme-prod'
const LOCATION = 'us-central1'
const REPOSITORY = 'images'
const PULL_SA = 'puller@acme-prod.iam.gserviceaccount.com'
const PUSH_SA = 'pusher@acme-prod.iam.gserviceaccount.com'

/** A service account of another project, and a project's Cloud Run (`worker`). */
const GRANT: GcpCrossAccountAccess = {
  type: 'gcp',
  projectNumbers: ['123456789012'],
  serviceAccountEmails: ['ci@third-project.iam.gserviceaccount.com'],
  allowedServiceTypes: ['worker'],
}

/**
 * provider-gcp as its README sets it up (a provisioned GAR repository, a pull and a push service
 * account holding reader and repoAdmin on it), against the GCP fake: the Artifact Registry, IAM
 * Credentials and OAuth token calls of its request log.
 */
export async function gcpSubject(): Promise<Subject> {
  const fake = await startGcpFake({
    // IAM refuses a policy naming an identity that does not exist.
    serviceAccounts: [
      PULL_SA,
      PUSH_SA,
      ...GRANT.serviceAccountEmails,
      ...GRANT.projectNumbers.map(cloudRunServiceAgent),
    ],
  })
  const resource = fake.seedRepository({
    project: PROJECT,
    location: LOCATION,
    repository: REPOSITORY,
  })
  fake.seedPolicy(resource, {
    version: 3,
    bindings: [
      { role: 'roles/artifactregistry.reader', members: [`serviceAccount:${PULL_SA}`] },
      { role: 'roles/artifactregistry.repoAdmin', members: [`serviceAccount:${PUSH_SA}`] },
    ],
  })
  const cursor = new LogCursor(() => fake.requests, label)
  return {
    column: 'gcp',
    access: GRANT,
    open: () =>
      gcp({
        projectId: PROJECT,
        location: LOCATION,
        repository: REPOSITORY,
        pullServiceAccount: PULL_SA,
        pushServiceAccount: PUSH_SA,
        ...fake.providerOptions(),
      }),
    take: async () => cursor.take(),
    [Symbol.asyncDispose]: () => fake.close(),
  }
}

/** The API each operation belongs to: the OAuth token endpoint, IAM Credentials, Artifact Registry. */
function label(request: RecordedRequest): string {
  if (request.operation === 'oauthToken') return 'oauth2:token'
  if (request.operation === 'generateAccessToken') return `iamcredentials:${request.operation}`
  return `artifactregistry:${request.operation}`
}
