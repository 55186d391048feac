import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import { isoOrNull, relativeTime } from './format.js'

/** `credentials --format json` (and `--json`): the credentials as core returns them. */
export interface CredentialsJson {
  registry: string
  username: string
  password: string
  expiresAt: string | null
  authMethod: 'basic' | 'bearer'
}

/** The formats of `credentials --format`. */
export const CREDENTIAL_FORMATS = ['json', 'env', 'password'] as const
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number]

/** The JSON shape of credentials. */
export function credentialsJson(credentials: ArtifactRegistryCredentials): CredentialsJson {
  return {
    registry: credentials.registry,
    username: credentials.username,
    password: credentials.password,
    expiresAt: isoOrNull(credentials.expiresAt),
    authMethod: credentials.authMethod,
  }
}

/** The variables `--format env` assigns, in order. */
export const CREDENTIAL_VARIABLES: Readonly<Record<keyof CredentialsJson, string>> = {
  registry: 'REGISTRY',
  username: 'REGISTRY_USERNAME',
  password: 'REGISTRY_PASSWORD',
  expiresAt: 'REGISTRY_EXPIRES_AT',
  authMethod: 'REGISTRY_AUTH_METHOD',
}

/**
 * `--format env`: one `export NAME='value'` line per field, quoted for POSIX shells, for
 * `eval "$(artifact-registry credentials … --format env)"`. An unknown expiry is an empty value.
 */
export function credentialsEnv(credentials: ArtifactRegistryCredentials): string {
  const json = credentialsJson(credentials)
  return (Object.keys(CREDENTIAL_VARIABLES) as (keyof CredentialsJson)[])
    .map((field) => `export ${CREDENTIAL_VARIABLES[field]}=${shellQuote(json[field] ?? '')}`)
    .join('\n')
}

/** Human output: everything but the password, which only a format that asks for it prints. */
export function credentialsSummary(credentials: ArtifactRegistryCredentials): string {
  return [
    `registry:  ${credentials.registry}`,
    `username:  ${credentials.username === '' ? '(none: bearer token)' : credentials.username}`,
    `expires:   ${credentials.expiresAt === null ? 'unknown' : `${credentials.expiresAt.toISOString()} (${relativeTime(credentials.expiresAt)})`}`,
    'password:  (not shown: use --format password, env or json, or the login command)',
  ].join('\n')
}

/** `value` in single quotes, a POSIX shell word whatever it holds. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}
