import { createHash } from 'node:crypto'
import {
  type ArtifactRegistryCredentials,
  type ArtifactRegistryError,
  type AwsCrossAccountAccess,
  isArtifactRegistryError,
} from '@artifact-registry/core'
import type { AwsFake } from '@artifact-registry/testing/fakes/aws'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { expect, vi } from 'vitest'
import { type AwsProvider, type AwsProviderOptions, aws } from '../src/index.js'

export const REGION = 'us-east-1'
export const REPLICA = 'eu-west-1'
export const PREFIX = 'acme'
export const PULL_ROLE = 'arn:aws:iam::123456789012:role/acme-pull'
export const PUSH_ROLE = 'arn:aws:iam::123456789012:role/acme-push'

/**
 * A provider wired to the fake (its ECR and STS endpoints, its registry, static credentials, one
 * attempt per call), with both roles, a short replica wait and two quick retries of a principal
 * ECR does not know yet.
 */
export function providerFor(
  fake: AwsFake,
  overrides: Partial<AwsProviderOptions> = {},
): Promise<AwsProvider> {
  return aws({
    repositoryPrefix: PREFIX,
    pullRoleArn: PULL_ROLE,
    pushRoleArn: PUSH_ROLE,
    ...fake.providerOptions(REGION),
    replicaWait: { timeoutMs: 300, intervalMs: 5 },
    principalRetry: { delaysMs: [1, 1] },
    ...overrides,
  })
}

/** The parsed repository policy the fake holds, or `undefined`. */
export function policyDoc(
  fake: AwsFake,
  region: string,
  name: string,
): ({ Statement: Record<string, unknown>[] } & Record<string, unknown>) | undefined {
  const text = fake.getPolicy(region, name)
  return text === undefined ? undefined : JSON.parse(text)
}

/** The role of {@link FOREIGN_STATEMENT}: a fake must know it for a policy holding it to be set. */
export const FOREIGN_ROLE = 'arn:aws:iam::999999999999:role/ci'

/** A statement somebody else wrote, which every change must leave exactly as it is. */
export const FOREIGN_STATEMENT = {
  Sid: 'CiPushFromBuildAccount',
  Effect: 'Allow',
  Principal: { AWS: FOREIGN_ROLE },
  Action: ['ecr:PutImage', 'ecr:InitiateLayerUpload'],
}

/** Unique logical names per test. */
export function uniqueLogical(prefix: string): string {
  return `${prefix}-${Math.random().toString(16).slice(2, 10)}`
}

/**
 * Options that make the provider's base identity a role session of the fake (temporary `ASIA…`
 * credentials with their expiry), as on a CI runner or an instance role: its calls are role
 * chaining, and its own session ends.
 */
export async function baseSessionOptions(
  fake: AwsFake,
  roleArn: string,
  durationSeconds: number,
): Promise<Partial<AwsProviderOptions>> {
  const sts = new STSClient(fake.clientConfig())
  try {
    const { Credentials: base } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: 'base',
        DurationSeconds: durationSeconds,
      }),
    )
    if (base?.AccessKeyId === undefined || base.SecretAccessKey === undefined) {
      throw new Error('the fake issued no session')
    }
    return {
      clientConfig: {
        ...fake.providerOptions().clientConfig,
        credentials: {
          accessKeyId: base.AccessKeyId,
          secretAccessKey: base.SecretAccessKey,
          sessionToken: base.SessionToken ?? '',
          ...(base.Expiration === undefined ? {} : { expiration: base.Expiration }),
        },
      },
    }
  } finally {
    sts.destroy()
  }
}

/** An AWS grant with every list empty but those `partial` sets. */
export function access(partial: Partial<AwsCrossAccountAccess>): AwsCrossAccountAccess {
  return {
    type: 'aws',
    accountIds: [],
    roleArns: [],
    regions: [],
    allowedServiceTypes: [],
    ...partial,
  }
}

/** The `ArtifactRegistryError` `promise` rejects with; fails on any other outcome. */
export async function registryErrorOf(promise: Promise<unknown>): Promise<ArtifactRegistryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(
    isArtifactRegistryError(error),
    `expected an ArtifactRegistryError, got ${String(error)}`,
  ).toBe(true)
  return error as ArtifactRegistryError
}

/**
 * Stub the environment so an SDK client built with no test wiring (a README example) reaches the
 * fake: `AWS_ENDPOINT_URL_{ECR,STS,IAM}`, static keys, no instance metadata, one attempt. Undo it
 * with `vi.unstubAllEnvs()`.
 */
export function stubFakeEnvironment(fake: AwsFake): void {
  for (const service of ['ECR', 'STS', 'IAM']) vi.stubEnv(`AWS_ENDPOINT_URL_${service}`, fake.url)
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDREADME')
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'readme-secret')
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true')
  vi.stubEnv('AWS_MAX_ATTEMPTS', '1')
}

/**
 * Push the smallest image (a config, no layers) as `tag` with registry credentials, over the
 * fake's plain-HTTP registry: a monolithic blob upload, then the manifest. ECR replicates what is
 * pushed, so this is what makes the fake create a repository's replicas.
 *
 * @throws Error when the registry refuses either request.
 */
export async function pushImage(
  credentials: ArtifactRegistryCredentials,
  name: string,
  tag: string,
): Promise<void> {
  if (credentials.authMethod !== 'basic') throw new Error('expected Basic credentials')
  const base = `http://${credentials.registry}/v2/${name}`
  const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
  const send = async (method: string, path: string, type: string, body: Buffer) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Basic ${basic}`, 'content-type': type },
      body,
    })
    await res.body?.cancel()
    if (res.status !== 201) throw new Error(`${method} ${path}: ${res.status}`)
  }
  const config = Buffer.from(JSON.stringify({ tag }))
  const digest = `sha256:${createHash('sha256').update(config).digest('hex')}`
  await send('POST', `/blobs/uploads/?digest=${digest}`, 'application/octet-stream', config)
  const mediaType = 'application/vnd.oci.image.manifest.v1+json'
  const manifest = {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: config.length },
    layers: [],
  }
  await send('PUT', `/manifests/${tag}`, mediaType, Buffer.from(JSON.stringify(manifest)))
}
