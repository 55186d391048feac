import type { ArtifactRegistryError } from '@artifact-registry/core'
import type { AwsFake } from '@artifact-registry/testing/fakes/aws'
import { IAMClient } from '@aws-sdk/client-iam'
import { expect } from 'vitest'
import type { AwsDeprovisionOptions, AwsProvisionOptions } from '../src/provision/index.js'
import { REGION, registryErrorOf } from './helpers.js'

/** The fake's base identity: the provisioning identity, and in most tests the trusted runtime. */
export const BASE_USER = 'arn:aws:iam::123456789012:user/fake-caller'

/** The operations provisioning may send in a dry run: reads only. */
export const READ_OPERATIONS: ReadonlySet<string> = new Set([
  'GetCallerIdentity',
  'GetRole',
  'GetRolePolicy',
  'ListRoles',
  'ListRolePolicies',
  'ListAttachedRolePolicies',
  'ListInstanceProfilesForRole',
  'DescribeRegistry',
  'DescribeRepositories',
])

/** `provision` options that reach the fake (ECR, STS and IAM endpoints, static credentials). */
export function provisionOptions(
  fake: AwsFake,
  overrides: Partial<AwsProvisionOptions> = {},
): AwsProvisionOptions {
  return {
    name: 'acme',
    region: REGION,
    trustedPrincipals: [BASE_USER],
    clientConfig: { ...fake.providerOptions(REGION).clientConfig, iamEndpoint: fake.url },
    ...overrides,
  }
}

/** `deprovision` options for what {@link provisionOptions} provisioned. */
export function deprovisionOptions(
  fake: AwsFake,
  overrides: Partial<AwsDeprovisionOptions> = {},
): AwsDeprovisionOptions {
  const { name, region, clientConfig } = provisionOptions(fake)
  return { name, region, clientConfig, ...overrides }
}

/** An IAM client of the fake's base identity: another tool changing the roles behind our back. */
export function iamOf(fake: AwsFake): IAMClient {
  const { credentials, maxAttempts } = fake.providerOptions(REGION).clientConfig
  return new IAMClient({ endpoint: fake.url, region: REGION, credentials, maxAttempts })
}

/**
 * Send one IAM command as the fake's base identity: another tool changing the roles behind
 * provisioning's back (any command: the SDK's union type is too narrow).
 */
export async function iamSend(fake: AwsFake, command: object): Promise<void> {
  const iam = iamOf(fake)
  try {
    await iam.send(command as never)
  } finally {
    iam.destroy()
  }
}

/**
 * The error IAM answers `command` with: its name, message and HTTP status (any command: the SDK's
 * union type is too narrow). Fails when IAM accepts it.
 */
export async function iamRefusal(
  client: IAMClient,
  command: object,
): Promise<{ name: string; message: string; status: number | undefined }> {
  const error = await client.send(command as never).then(
    () => undefined,
    (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } },
  )
  if (error === undefined) throw new Error('IAM accepted it')
  return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode }
}

/** The `CONFLICT` error `promise` rejects with; fails on any other outcome. */
export async function conflictOf(promise: Promise<unknown>): Promise<ArtifactRegistryError> {
  const error = await registryErrorOf(promise)
  expect(error.code, error.message).toBe('CONFLICT')
  return error
}

/** The operations the fake received since `from` (an index into its request log). */
export function operationsSince(fake: AwsFake, from: number): string[] {
  return fake.requests.slice(from).map((r) => r.operation)
}

/** The parsed inline policy provisioning wrote into a role of the fake. */
export function inlinePolicy(
  fake: AwsFake,
  roleName: string,
): { Statement: Record<string, unknown>[] } {
  const text = fake.getRole(roleName)?.inlinePolicies['artifact-registry']
  if (text === undefined) throw new Error(`role ${roleName} has no artifact-registry policy`)
  return JSON.parse(text)
}

/** An IAM policy document (JSON text) holding `statements`. */
export function policy(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements })
}
