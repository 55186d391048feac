import { z } from 'zod'
import { isValidPlatformName } from '../naming/platform-name.js'
import { embeddedReference, RESOLVE_FIRST } from './issues.js'

/**
 * `schema`, refusing a `${NAME}` placeholder anywhere in the value. A whole-value placeholder is
 * refused before the schemas run; one inside a URL, a host or a directory leaves the rest looking
 * valid, and the provider would call a host named `${REGISTRY_HOST}` or keep its images under a
 * directory named `${DATA_DIR}`. Not for a password, which may hold such text.
 */
function setting(schema: z.ZodString): z.ZodString {
  return schema.refine((value) => embeddedReference(value) === undefined, {
    error: (issue) =>
      `holds an unresolved placeholder ${JSON.stringify(embeddedReference(String(issue.input)))}; ${RESOLVE_FIRST}`,
  })
}

const nonEmpty = z.string().trim().min(1, 'must not be empty')
// A credential is passed on exactly as written: `nonEmpty` trims, and a password or username with
// white space at an end then reached the registry changed, which refused every call (401).
const credential = z.string().refine((value) => value.trim() !== '', 'must not be empty')
const awsRegion = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as us-east-1')
const roleArn = z
  .string()
  .regex(
    /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]+$/,
    'must be an IAM role ARN (arn:aws:iam::123456789012:role/name)',
  )
const email = z.email('must be a service account email')
const url = setting(
  z
    .string()
    .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'must be an http(s) URL such as http://127.0.0.1:5000'),
)

// The GAR client takes a host, port and scheme, nothing more: a path, query or userinfo in
// `apiEndpoint` would be dropped, and calls would go to the host's root instead.
const baseUrl = setting(
  z
    .string()
    .regex(
      /^https?:\/\/[^\s/?#@]+\/?$/,
      'must be an http(s) URL without a path, query or credentials, such as https://artifactregistry.googleapis.com',
    ),
)

const pemCertificate = z
  .string()
  .regex(
    /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/,
    'must be a PEM certificate (-----BEGIN CERTIFICATE----- …)',
  )

const awsBinding = z.strictObject({
  platform: z.literal('aws'),
  region: awsRegion,
  repositoryPrefix: z
    .string()
    .refine(
      (p) => isValidPlatformName('ecr', `${p}-x`),
      'must be a valid ECR name prefix (lowercase, no spaces)',
    ),
  pullRoleArn: roleArn.optional(),
  pushRoleArn: roleArn.optional(),
  replicationRegions: z.array(awsRegion).optional(),
  allowUnscopedCredentials: z.boolean().optional(),
  endpoint: url.optional(),
})

const gcpBinding = z.strictObject({
  platform: z.literal('gcp'),
  projectId: z
    .string()
    .regex(
      /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
      'must be a GCP project id (6-30 lowercase characters)',
    ),
  location: z.string().regex(/^[a-z]+(-[a-z]+\d*)*$/, 'must be a GAR location such as us-central1'),
  repository: z
    .string()
    .regex(
      /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/,
      'must be a GAR repository id (lowercase, at most 63)',
    ),
  pullServiceAccount: email.optional(),
  pushServiceAccount: email.optional(),
  apiEndpoint: baseUrl.optional(),
})

const azureBinding = z.strictObject({
  platform: z.literal('azure'),
  subscriptionId: z.uuid('must be a subscription id (a UUID)'),
  resourceGroup: z
    .string()
    .regex(/^[-\w.()]{1,89}[-\w()]$/, 'must be a resource group name (1-90 characters)'),
  registryName: z
    .string()
    .regex(/^[A-Za-z0-9]{5,50}$/, 'must be an ACR name (5-50 letters and digits)'),
  repositoryPrefix: z
    .string()
    .refine((p) => isValidPlatformName('acr', p), 'must be a valid ACR repository path')
    .optional(),
  sku: z.enum(['Basic', 'Standard', 'Premium']).optional(),
  loginServer: setting(nonEmpty).optional(),
  authorityHost: url.optional(),
  credentials: z.enum(['aad-exchange', 'repository-token']).optional(),
})

const localBinding = z.strictObject({
  platform: z.literal('local'),
  url: url.optional(),
  bindingName: z
    .string()
    .refine((n) => isValidPlatformName('oci', n), 'must be a valid OCI repository path')
    .optional(),
  dataDir: setting(nonEmpty).optional(),
  adminCredentials: z
    .strictObject({ username: setting(credential), password: credential })
    .optional(),
  caCertificate: pemCertificate.optional(),
  tokenServiceUrl: url.optional(),
  port: z.int('must be an integer port').min(0).max(65_535).optional(),
})

/** @internal Schemas of the built-in bindings, by platform. */
export const BINDING_SCHEMAS: {
  readonly aws: z.ZodObject
  readonly gcp: z.ZodObject
  readonly azure: z.ZodObject
  readonly local: z.ZodObject
} = { aws: awsBinding, gcp: gcpBinding, azure: azureBinding, local: localBinding }
