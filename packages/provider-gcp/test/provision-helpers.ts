import { randomBytes } from 'node:crypto'
import {
  type GcpFake,
  type GcpFakeOptions,
  startGcpFake,
} from '@artifact-registry/testing/fakes/gcp'
import { ArtifactRegistryClient } from '@google-cloud/artifact-registry'
import { afterAll, beforeEach } from 'vitest'
import type { GcpProvisionOptions } from '../src/provision/index.js'
import { LOCATION, PROJECT } from './helpers.js'

/** The operations a dry run may send: reads only (and the caller's own token). */
export const READ_OPERATIONS: ReadonlySet<string> = new Set([
  'oauthToken',
  'getRepository',
  'listPackages',
  'getIamPolicy',
  'getServiceAccount',
  'listServiceAccounts',
  'getServiceAccountIamPolicy',
])

/** The fake for one test file, reset before each test and closed after the last. */
export async function useProvisionFake(options: GcpFakeOptions = {}): Promise<GcpFake> {
  const fake = await startGcpFake(options)
  afterAll(() => fake.close())
  beforeEach(() => fake.reset())
  return fake
}

/** A GAR repository id no other test of the fake uses. */
export function freshRepositoryId(): string {
  return `images-${randomBytes(3).toString('hex')}`
}

/**
 * Provisioning options against the fake: the fake's caller provisions, and is the runtime
 * member too (so the binding works for a provider built with `fake.providerOptions()`). No retry
 * delays.
 */
export function provisionOptions(
  fake: GcpFake,
  repository: string,
  overrides: Partial<GcpProvisionOptions> = {},
): GcpProvisionOptions {
  const { authClient, clientOptions } = fake.providerOptions()
  return {
    projectId: PROJECT,
    location: LOCATION,
    repository,
    runtimeMember: fake.caller,
    authClient,
    clientOptions,
    iamEndpoint: fake.url,
    policyRetry: { attempts: 5, baseDelayMs: 0 },
    ...overrides,
  }
}

/** The GAR repository's resource name. */
export function repositoryResource(repository: string): string {
  return `projects/${PROJECT}/locations/${LOCATION}/repositories/${repository}`
}

/** The account id provisioning derives for a GAR repository of {@link LOCATION}, spelled out. */
export function derivedId(repository: string, access: 'pull' | 'push'): string {
  return `${repository}-${LOCATION}-${access}`
}

/** `{accountId}@{project}.iam.gserviceaccount.com` */
export function accountEmail(accountId: string): string {
  return `${accountId}@${PROJECT}.iam.gserviceaccount.com`
}

/** A service account's resource name, as changes report it. */
export function accountResource(accountId: string): string {
  return `projects/${PROJECT}/serviceAccounts/${accountEmail(accountId)}`
}

/** The operations of the fake's request log that are not reads. */
export function writesIn(fake: GcpFake): string[] {
  return fake.requests.map((r) => r.operation).filter((o) => !READ_OPERATIONS.has(o))
}

/**
 * An Artifact Registry client of the fake's caller (REST fallback, as the provider's): someone
 * else changing a GAR repository behind provisioning's back. Close it after use.
 */
export function garClientOf(fake: GcpFake): ArtifactRegistryClient {
  const { authClient, clientOptions } = fake.providerOptions()
  return new ArtifactRegistryClient({ fallback: true, ...clientOptions, authClient })
}

/** Run `fn` with a {@link garClientOf} client, closed after. */
export async function withGarClient<T>(
  fake: GcpFake,
  fn: (client: ArtifactRegistryClient) => Promise<T>,
): Promise<T> {
  const client = garClientOf(fake)
  try {
    return await fn(client)
  } finally {
    await client.close()
  }
}
