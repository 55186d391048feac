import type { Stats } from 'node:fs'
import { open } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import {
  ArtifactRegistryError,
  type ConfigIssue,
  describeJsonSyntaxError,
  type Permission,
} from '@artifact-registry/core'
import { duplicateKeyIssues } from '../duplicate-keys.js'

/** The variable naming the helper's config file. */
export const CONFIG_ENV = 'ARTIFACT_REGISTRY_HELPER_CONFIG'

/** What the helper mints for one registry host. */
export interface HelperHostConfig {
  /** A binding name (`ARTIFACT_REGISTRY_<NAME>_BINDING` in the helper's environment)… */
  binding?: string
  /** …or a binding file; a relative path is relative to the config file. */
  bindingFile?: string
  /** The routable repository name the credentials are for. */
  repository: string
  permission: Permission
  /** Requested lifetime; the platform's default when omitted. */
  ttlSeconds?: number
  /**
   * The host the binding's credentials are for, when docker reaches that registry by another
   * name (a proxy, a public URL, another endpoint of the registry); the entry's own host when
   * omitted. A binding whose registry is neither is refused: docker would send its credentials to
   * a host they are not for.
   */
  registryHost?: string
}

/** The helper's config file: `{ "registries": { "<host>": HelperHostConfig } }`. */
export interface CredentialHelperConfig {
  registries: Record<string, HelperHostConfig>
}

/**
 * The config file's path: `$ARTIFACT_REGISTRY_HELPER_CONFIG`, else under `~/.config`.
 * @throws ArtifactRegistryError `INVALID_CONFIG` when the variable holds a relative path: docker
 *   runs the helper in whatever directory it was started in, so a relative one would take the
 *   config (and the binding files it names) from the project the user stands in.
 */
export function configPath(env: NodeJS.ProcessEnv): string {
  const given = env[CONFIG_ENV]
  if (given === undefined || given === '') {
    return join(homedir(), '.config', 'artifact-registry', 'credential-helper.json')
  }
  if (!isAbsolute(given)) {
    throw invalid(given, [
      { path: '', message: `${CONFIG_ENV} must be an absolute path, got a relative one` },
    ])
  }
  return given
}

/**
 * Read and validate the config file, with hosts in {@link registryHost} form.
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming the file and every bad field.
 */
export async function readHelperConfig(path: string): Promise<CredentialHelperConfig> {
  let text: string
  let info: Stats
  try {
    // Judged by the file read, not by a second look at the path: in a directory someone else
    // can write, the file at the path may have been swapped for a trusted one in between.
    const file = await open(path, 'r')
    try {
      info = await file.stat()
      text = await file.readFile('utf8')
    } finally {
      await file.close()
    }
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? 'unreadable'
    throw invalid(
      path,
      [{ path: '', message: `cannot be read (${reason}); set ${CONFIG_ENV} or create it` }],
      cause,
    )
  }
  refuseUntrustedFile(path, info)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    // Not the SyntaxError as cause: it quotes the text.
    throw invalid(path, [
      { path: '', message: `is not valid JSON (${describeJsonSyntaxError(text)})` },
    ])
  }
  return validateConfig(json, path, duplicateKeyIssues(text))
}

/**
 * The config decides which repository, permission and registry host credentials are minted and
 * sent for, so a file every local user may write is refused. Owners are not judged: a config
 * checked out by a runner's user and read by root in a job container is as meant. Group write
 * is left alone too (a umask of 002 gives it to every file of a user's own group).
 */
function refuseUntrustedFile(path: string, info: Stats): void {
  if (process.platform === 'win32') return // no Unix modes to judge by
  if ((info.mode & 0o002) === 0) return
  throw invalid(path, [{ path: '', message: 'can be written by every local user: chmod o-w it' }])
}

/**
 * A registry host as docker names it and the config keys it: the server URL's `host[:port]`,
 * lower-cased, without scheme or path (`https://Registry.example:5000/v2/` → `registry.example:5000`).
 */
export function registryHost(serverUrl: string): string {
  const trimmed = serverUrl.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
  return (trimmed.split('/')[0] ?? '').toLowerCase()
}

// --- Internal ---

const HOST_FIELDS = [
  'binding',
  'bindingFile',
  'repository',
  'permission',
  'ttlSeconds',
  'registryHost',
]

/** `duplicates`: the keys given twice, found in the text (the parsed JSON keeps only the last). */
function validateConfig(
  json: unknown,
  file: string,
  duplicates: ConfigIssue[],
): CredentialHelperConfig {
  if (!isObject(json) || !isObject(json.registries)) {
    throw invalid(file, [
      ...duplicates,
      {
        path: 'registries',
        message:
          'must be an object mapping registry hosts to { repository, permission, binding or bindingFile }',
      },
    ])
  }
  const issues: ConfigIssue[] = [...duplicates]
  for (const key of Object.keys(json)) {
    if (key !== 'registries') issues.push({ path: key, message: 'is not a field of the config' })
  }
  const registries: Record<string, HelperHostConfig> = {}
  // Each host's key as written: hosts are matched case-insensitively, so two keys that differ
  // only in case are one host, and the later one silently replaced the other (another
  // repository or permission than the reader of the file may expect).
  const keyOfHost = new Map<string, string>()
  for (const [host, entry] of Object.entries(json.registries)) {
    const at = `registries.${host}`
    const normal = registryHost(host)
    if (normal === '' || normal !== host.toLowerCase()) {
      issues.push({
        path: at,
        message: 'must be a registry host such as 127.0.0.1:5000, without scheme or path',
      })
    }
    const earlier = keyOfHost.get(normal)
    if (earlier !== undefined && normal !== '') {
      issues.push({
        path: at,
        message: `is the same host as registries.${earlier} (hosts are not case-sensitive): keep one entry`,
      })
    }
    keyOfHost.set(normal, host)
    const checked = validateHost(entry, at, dirname(file), issues)
    if (checked !== undefined) registries[normal] = checked
  }
  if (issues.length > 0) throw invalid(file, issues)
  return { registries }
}

function validateHost(
  entry: unknown,
  at: string,
  baseDir: string,
  issues: ConfigIssue[],
): HelperHostConfig | undefined {
  if (!isObject(entry)) {
    issues.push({ path: at, message: 'must be an object' })
    return undefined
  }
  const before = issues.length
  for (const key of Object.keys(entry)) {
    if (!HOST_FIELDS.includes(key))
      issues.push({ path: `${at}.${key}`, message: 'is not a field of a registry entry' })
  }
  const { binding, bindingFile, repository, permission, ttlSeconds, registryHost: served } = entry
  if ((binding === undefined) === (bindingFile === undefined)) {
    issues.push({
      path: at,
      message: 'needs binding (a name) or bindingFile (a path), one of them',
    })
  }
  if (binding !== undefined && !isText(binding))
    issues.push({ path: `${at}.binding`, message: 'must be a binding name' })
  if (bindingFile !== undefined && !isText(bindingFile))
    issues.push({ path: `${at}.bindingFile`, message: 'must be a path' })
  if (!isText(repository))
    issues.push({ path: `${at}.repository`, message: 'must be the routable name of a repository' })
  if (permission !== 'pull' && permission !== 'push-pull') {
    issues.push({ path: `${at}.permission`, message: 'must be "pull" or "push-pull"' })
  }
  // Any whole number, beyond 2^53 too (JSON has no Infinity): the platform clamps a long request.
  if (ttlSeconds !== undefined && !(Number.isInteger(ttlSeconds) && (ttlSeconds as number) > 0)) {
    issues.push({
      path: `${at}.ttlSeconds`,
      message: 'must be a whole number of seconds, 1 or more',
    })
  }
  if (served !== undefined && !(isText(served) && registryHost(served) === served.toLowerCase())) {
    issues.push({
      path: `${at}.registryHost`,
      message: 'must be a registry host such as 127.0.0.1:5000, without scheme or path',
    })
  }
  if (issues.length > before) return undefined
  return {
    ...(isText(binding) && { binding }),
    ...(isText(bindingFile) && { bindingFile: resolve(baseDir, bindingFile) }),
    repository: repository as string,
    permission: permission as Permission,
    ...(ttlSeconds !== undefined && { ttlSeconds: ttlSeconds as number }),
    ...(isText(served) && { registryHost: registryHost(served) }),
  }
}

function invalid(file: string, issues: ConfigIssue[], cause?: unknown): ArtifactRegistryError {
  const detail = issues
    .map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`))
    .join('; ')
  return new ArtifactRegistryError(
    'INVALID_CONFIG',
    `Invalid credential helper config ${file}: ${detail}`,
    {
      issues,
      ...(cause !== undefined && { cause }),
    },
  )
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== ''
}
