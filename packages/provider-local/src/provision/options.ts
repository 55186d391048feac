import { resolve } from 'node:path'
import {
  type ConfigIssue,
  type DeprovisionOptionsBase,
  isArtifactRegistryError,
  type ProvisionOptionsBase,
  provisionRunIssues,
} from '@artifact-registry/core'
import { invalidOptions, isText, resolveOptions } from '../options.js'

/** The variable the binding's admin password placeholder names by default; `serve` reads it too. */
export const DEFAULT_PASSWORD_ENV = 'ARTIFACT_REGISTRY_ADMIN_PASSWORD'

/** A running registry to provision a binding for: ours (`serve`), or a `registry:2` behind our token service. */
export interface LocalRegistryTarget {
  /** `http://host:port` or `https://host:port` of the registry. */
  url: string
  /** Admin of the registry. @default "admin" */
  adminUsername?: string
  /** The admin's password. Default: the variable {@link adminPasswordEnv} names. Never put in the binding. */
  adminPassword?: string
  /**
   * The environment variable that holds the admin password: read when `adminPassword` is
   * omitted, and named by the binding's `${…}` placeholder. @default "ARTIFACT_REGISTRY_ADMIN_PASSWORD"
   */
  adminPasswordEnv?: string
  /** Namespace of the binding: routable names are `{bindingName}/{name}`. @default "artifacts" */
  bindingName?: string
  /** PEM of a private CA to trust for an `https://` URL; the binding carries it too. */
  caCertificate?: string
  /**
   * Where to mint credentials when `url` is a `registry:2` whose token service's realm would be
   * refused (another host, or plain HTTP for an HTTPS registry), as the provider's option of that
   * name; the binding carries it too.
   */
  tokenServiceUrl?: string
}

/** A data directory for the registry a program embeds (`local({ dataDir })`). */
export interface LocalDataDirectoryTarget {
  /** The directory: created if missing; an existing one must be empty or a registry's. */
  dataDir: string
  /** Port the embedded registry is served on; the binding carries it. Default: the directory's own (a free one at first). */
  port?: number
  /** Interface the initialising start listens on, to check that the port can be served there. @default "127.0.0.1" */
  host?: string
  /** Namespace of the binding: routable names are `{bindingName}/{name}`. @default "artifacts" */
  bindingName?: string
}

/** Options of `provision`: a registry by URL, or a data directory for an embedded one. */
export type LocalProvisionOptions = (LocalRegistryTarget | LocalDataDirectoryTarget) &
  ProvisionOptionsBase

/** Options of `deprovision`: the same target as `provision`, and `force`. */
export type LocalDeprovisionOptions = (LocalRegistryTarget | LocalDataDirectoryTarget) &
  DeprovisionOptionsBase

/** @internal The target once validated, with its defaults. */
export type ResolvedProvisionOptions =
  | {
      readonly kind: 'url'
      readonly url: string
      readonly bindingName: string
      readonly admin: { readonly username: string; readonly password: string }
      readonly passwordEnv: string
      readonly caCertificate: string | undefined
      readonly tokenServiceUrl: string | undefined
    }
  | {
      readonly kind: 'data-directory'
      /** Absolute: the binding may be used from another working directory. */
      readonly dataDir: string
      readonly bindingName: string
      readonly port: number | undefined
      readonly host: string | undefined
    }

/**
 * @internal Validate the options of `provision` or `deprovision`, naming every bad field, before
 * anything is read or written.
 * @param env where the admin password is read from when `adminPassword` is omitted
 * @throws ArtifactRegistryError `INVALID_CONFIG` with `issues`.
 */
export function resolveProvisionOptions(
  options: unknown,
  purpose: 'provision' | 'deprovision',
  env: NodeJS.ProcessEnv = process.env,
): ResolvedProvisionOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidOptions([{ path: '', message: 'must be an object: { url } or { dataDir }' }])
  }
  const o = options as Record<string, unknown>
  const issues: ConfigIssue[] = []
  const hasUrl = o.url !== undefined
  const hasDataDir = o.dataDir !== undefined
  if (!hasUrl && !hasDataDir) {
    // Which other fields apply depends on the target: nothing more to say until it is known.
    throw invalidOptions([
      { path: '', message: 'give url (a running registry) or dataDir (an embedded registry)' },
    ])
  }
  if (hasUrl && hasDataDir) {
    issues.push({
      path: 'dataDir',
      message: 'give url (a running registry) or dataDir (an embedded registry), not both',
    })
  }
  const fields = [
    ...(hasDataDir && !hasUrl ? DATA_DIR_FIELDS : URL_FIELDS),
    ...(purpose === 'deprovision' ? ['force'] : []),
  ]
  // An option set to undefined is an option left out.
  for (const key of Object.keys(o).filter((k) => o[k] !== undefined)) {
    if (!fields.includes(key) && !(hasUrl && hasDataDir && key === 'dataDir'))
      issues.push({ path: key, message: unknownFieldMessage(key, hasDataDir && !hasUrl, purpose) })
  }
  issues.push(...provisionRunIssues(o))
  // The provider's own validation names url, dataDir, port, host, bindingName and tokenServiceUrl.
  issues.push(...providerIssues(o, hasDataDir && !hasUrl))
  const bindingName = typeof o.bindingName === 'string' ? o.bindingName : 'artifacts'
  if (hasDataDir && !hasUrl) {
    if (issues.length > 0) throw invalidOptions(issues)
    return {
      kind: 'data-directory',
      dataDir: resolve(o.dataDir as string),
      bindingName,
      port: o.port as number | undefined,
      host: o.host as string | undefined,
    }
  }
  const admin = adminIssuesAndValues(o, env, issues)
  if (o.caCertificate !== undefined && !PEM_CERTIFICATE.test(String(o.caCertificate)))
    issues.push({
      path: 'caCertificate',
      message: 'must be a PEM certificate (-----BEGIN CERTIFICATE----- …)',
    })
  if (issues.length > 0 || admin === undefined) throw invalidOptions(issues)
  return {
    kind: 'url',
    url: (o.url as string).replace(/\/+$/, ''),
    bindingName,
    admin: admin.credential,
    passwordEnv: admin.passwordEnv,
    caCertificate: o.caCertificate as string | undefined,
    tokenServiceUrl: o.tokenServiceUrl as string | undefined,
  }
}

// --- Internal ---

const BASE_FIELDS = ['bindingName', 'dryRun', 'signal', 'onChange']
const URL_FIELDS = [
  'url',
  'adminUsername',
  'adminPassword',
  'adminPasswordEnv',
  'caCertificate',
  'tokenServiceUrl',
  ...BASE_FIELDS,
]
const DATA_DIR_FIELDS = ['dataDir', 'port', 'host', ...BASE_FIELDS]
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
// What core's binding schema accepts as caCertificate: the binding must parse.
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/

function unknownFieldMessage(key: string, dataDirTarget: boolean, purpose: string): string {
  const other = dataDirTarget ? URL_FIELDS : DATA_DIR_FIELDS
  return other.includes(key)
    ? `is an option of ${dataDirTarget ? '{ url }' : '{ dataDir }'} only`
    : `is not an option of ${purpose}`
}

/** Issues the provider's own `local()` validation finds in the fields both share. */
function providerIssues(o: Record<string, unknown>, dataDirTarget: boolean): ConfigIssue[] {
  const shared = dataDirTarget
    ? { dataDir: o.dataDir, port: o.port, host: o.host, bindingName: o.bindingName }
    : { url: o.url, bindingName: o.bindingName, tokenServiceUrl: o.tokenServiceUrl }
  try {
    resolveOptions(shared as Parameters<typeof resolveOptions>[0])
    return []
  } catch (error) {
    if (isArtifactRegistryError(error, 'INVALID_CONFIG')) return [...error.issues]
    throw error
  }
}

function adminIssuesAndValues(
  o: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  issues: ConfigIssue[],
): { credential: { username: string; password: string }; passwordEnv: string } | undefined {
  const before = issues.length
  const username = o.adminUsername ?? 'admin'
  if (!isText(username))
    issues.push({ path: 'adminUsername', message: 'must be a non-empty string' })
  const passwordEnv = o.adminPasswordEnv ?? DEFAULT_PASSWORD_ENV
  if (typeof passwordEnv !== 'string' || !ENV_NAME.test(passwordEnv)) {
    issues.push({
      path: 'adminPasswordEnv',
      message: 'must be an environment variable name such as ARTIFACT_REGISTRY_ADMIN_PASSWORD',
    })
  }
  // An empty variable is how shells and compose files leave a setting out.
  const password =
    o.adminPassword ?? (typeof passwordEnv === 'string' ? env[passwordEnv] || undefined : undefined)
  if (o.adminPassword !== undefined && !isText(o.adminPassword)) {
    issues.push({ path: 'adminPassword', message: 'must be a non-empty string' })
  } else if (password === undefined && typeof passwordEnv === 'string') {
    issues.push({
      path: 'adminPassword',
      message: `is missing: give adminPassword, or set ${passwordEnv}`,
    })
  }
  if (issues.length > before) return undefined
  return {
    credential: { username: username as string, password: password as string },
    passwordEnv: passwordEnv as string,
  }
}
