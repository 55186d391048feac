import { createHash } from 'node:crypto'
import type { HelperHostConfig } from './config.js'

/**
 * Prefixes of the environment variables that choose who the helper is on a cloud (a profile, a
 * key, a credentials file, a workload identity, a project or subscription): `AWS_PROFILE`,
 * `AWS_ACCESS_KEY_ID`, `AWS_ROLE_ARN`, `GOOGLE_APPLICATION_CREDENTIALS`, `CLOUDSDK_CONFIG`,
 * `AZURE_CLIENT_ID`, `AZURE_FEDERATED_TOKEN_FILE`, … Two runs that differ in any of them may mint
 * for different identities, so they never share cached credentials.
 */
export const IDENTITY_VARIABLE_PREFIXES: readonly string[] = [
  'AWS_',
  'GOOGLE_',
  'GCLOUD_',
  'GCP_',
  'CLOUDSDK_',
  'AZURE_',
  'ARM_',
]

/**
 * Identity variables outside those prefixes: managed identity endpoints (Azure App Service, Arc),
 * the GCE metadata server the Google auth library asks for an identity (`GCE_METADATA_HOST`,
 * `GCE_METADATA_IP`, and `METADATA_SERVER_DETECTION`, which decides whether it asks at all), and
 * `HOME`, under which the SDKs read `~/.aws`, `~/.config/gcloud` and `~/.azure`.
 */
export const IDENTITY_VARIABLES: readonly string[] = [
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'IMDS_ENDPOINT',
  'MSI_ENDPOINT',
  'MSI_SECRET',
  'GCE_METADATA_HOST',
  'GCE_METADATA_IP',
  'METADATA_SERVER_DETECTION',
  'HOME',
]

/** What decides which credentials a `get` may reuse. */
export interface CacheKeyInputs {
  /** The registry host docker asked about. */
  host: string
  /** Its config entry (binding name or file, repository, permission, TTL). */
  entry: HelperHostConfig
  /** The binding JSON the helper read (the file's text, or the variables' values). */
  binding: string
  env: NodeJS.ProcessEnv
}

/**
 * The cache file's name for these inputs: `<host hash>-<key hash>.json`. The first part lets
 * `erase` find every file of a host; the second changes with the entry, the binding text and any
 * identity variable, so rotated roles or another profile never get the old credentials. Values
 * enter only as a SHA-256 hash: the name reveals none of them.
 */
export function cacheFileName(inputs: CacheKeyInputs): string {
  const identity = Object.entries(inputs.env)
    .filter(([name]) => isIdentityVariable(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const key = JSON.stringify({
    host: inputs.host,
    entry: inputs.entry,
    binding: inputs.binding,
    identity,
  })
  return `${hostFilePrefix(inputs.host)}${sha256(key).slice(0, 32)}.json`
}

/** Whether `name` is a cache file's name as {@link cacheFileName} makes it (not a temporary file). */
export function isCacheFileName(name: string): boolean {
  return /^[0-9a-f]{16}-[0-9a-f]{32}\.json$/.test(name)
}

/** The start of the name of every cache file of `host`. */
export function hostFilePrefix(host: string): string {
  return `${sha256(host).slice(0, 16)}-`
}

/** Whether a variable is one of the identity variables (see {@link IDENTITY_VARIABLE_PREFIXES}). */
export function isIdentityVariable(name: string): boolean {
  return (
    IDENTITY_VARIABLES.includes(name) ||
    IDENTITY_VARIABLE_PREFIXES.some((prefix) => name.startsWith(prefix))
  )
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
