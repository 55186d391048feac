import type { Readable } from 'node:stream'
import { ArtifactRegistryError, isArtifactRegistryError } from '@artifact-registry/core'
import {
  type CachedCredentials,
  CredentialCache,
  cacheDir,
  eraseHost,
  reuseUntil,
} from './cache.js'
import { cacheFileName } from './cache-key.js'
import {
  type CredentialHelperConfig,
  configPath,
  type HelperHostConfig,
  readHelperConfig,
  registryHost,
} from './config.js'
import { type EntryBinding, readEntryBinding } from './entry-binding.js'
import { ensurePrivateDirectory } from './private-directory.js'

/**
 * The message every docker credential helper prints for a server it has no credentials for:
 * docker compares it exactly, and then goes on without credentials instead of failing.
 */
export const CREDENTIALS_NOT_FOUND = 'credentials not found in native keychain'

/** A protocol failure: its message goes to stdout and the helper exits 1, as docker expects. */
export class HelperError extends Error {
  override readonly name = 'HelperError'
}

/** What `get` prints: docker's credentials object. */
export interface HelperCredentials {
  ServerURL: string
  Username: string
  Secret: string
}

/** The helper's actions, on one config and cache. */
export class CredentialHelper {
  readonly #env: NodeJS.ProcessEnv
  readonly #now: () => Date

  constructor(env: NodeJS.ProcessEnv, now: () => Date = () => new Date()) {
    this.#env = env
    this.#now = now
  }

  /**
   * `get`: credentials for the server URL, from the cache or newly minted. The binding is read
   * first: the cache key includes its text and the identity variables (see `cacheFileName`).
   * Without a usable cache (a read-only or full disk) they are minted and handed out uncached.
   */
  async get(serverUrl: string): Promise<HelperCredentials> {
    const { host, entry } = await this.#lookup(serverUrl)
    const binding = await readEntryBinding(entry, this.#env)
    const cache = await this.#cache(host, entry, binding)
    const expected = entry.registryHost ?? host
    // A cached credential is for the registry it was minted on: one for another (a file written
    // before the entry's binding changed registry) is not handed to this host.
    const hit = await cache?.read(this.#now())
    const cached =
      hit !== undefined && hit.registry.toLowerCase() === expected
        ? hit
        : await this.#mint(host, entry, binding, cache)
    return { ServerURL: serverUrl, Username: cached.username, Secret: cached.secret }
  }

  /**
   * `list`: every configured host, with the username of the credentials cached for its current
   * binding and identity (or `""`, also when its binding cannot be read).
   */
  async list(): Promise<Record<string, string>> {
    const config = await this.#config()
    const listed: Record<string, string> = {}
    for (const [host, entry] of Object.entries(config.registries)) {
      const binding = await readEntryBinding(entry, this.#env).catch(() => undefined)
      const cached = binding && (await (await this.#cache(host, entry, binding))?.read(this.#now()))
      listed[host] = cached ? cached.username : ''
    }
    return listed
  }

  /**
   * `erase`: forget every cached credential of the host; the next `get` mints new ones. The files
   * go first, whatever the config says: a host whose entry was removed (or a config that can no
   * longer be read) still has live credentials cached, and `docker logout` is how they are dropped.
   * The config is then read as for `get`, so an unconfigured host still answers "not found".
   */
  async erase(serverUrl: string): Promise<void> {
    if (serverUrl.trim() === '') throw new HelperError('no credentials server URL')
    await eraseHost(cacheDir(this.#env), registryHost(serverUrl))
    await this.#lookup(serverUrl)
  }

  /**
   * The cache file for these inputs, or `undefined` when the cache directory cannot be made or
   * narrowed (a read-only file system, a full disk, a file in the way): the cache only saves
   * mints, and failing `get` for it failed every docker push although the platform would mint,
   * so nothing is read or written there and credentials are minted each time. A directory that is
   * not safe to trust (a link, another user's) is still refused: that is a warning sign, not a
   * disk problem.
   */
  async #cache(
    host: string,
    entry: HelperHostConfig,
    binding: EntryBinding,
  ): Promise<CredentialCache | undefined> {
    const dir = cacheDir(this.#env)
    try {
      await ensurePrivateDirectory(dir)
    } catch (error) {
      if (isArtifactRegistryError(error)) throw error
      return undefined
    }
    return new CredentialCache(
      dir,
      cacheFileName({ host, entry, binding: binding.text, env: this.#env }),
    )
  }

  async #config(): Promise<CredentialHelperConfig> {
    return readHelperConfig(configPath(this.#env))
  }

  async #lookup(serverUrl: string): Promise<{ host: string; entry: HelperHostConfig }> {
    if (serverUrl.trim() === '') throw new HelperError('no credentials server URL')
    const host = registryHost(serverUrl)
    const entry = (await this.#config()).registries[host]
    if (entry === undefined) throw new HelperError(CREDENTIALS_NOT_FOUND)
    return { host, entry }
  }

  async #mint(
    host: string,
    entry: HelperHostConfig,
    binding: EntryBinding,
    cache: CredentialCache | undefined,
  ): Promise<CachedCredentials> {
    const mintedAt = this.#now()
    await using registry = await binding.open()
    refuseOtherRegistry(host, entry, registry.registryEndpoint)
    const credentials = await registry.generateCredentials(
      entry.repository,
      entry.permission,
      entry.ttlSeconds === undefined ? {} : { ttlSeconds: entry.ttlSeconds },
    )
    if (credentials.authMethod !== 'basic') {
      throw new ArtifactRegistryError(
        'NOT_SUPPORTED',
        `${registry.platform} credentials are a bearer token, which a docker credential helper cannot hand over`,
      )
    }
    const minted = {
      username: credentials.username,
      secret: credentials.password,
      registry: credentials.registry,
      repository: entry.repository,
    }
    // Without an expiry there is nothing to cache against: mint every time.
    if (credentials.expiresAt === null) return { ...minted, expiresAt: '', reuseUntil: '' }
    const cached = {
      ...minted,
      expiresAt: credentials.expiresAt.toISOString(),
      reuseUntil: reuseUntil(mintedAt, credentials.expiresAt).toISOString(),
    }
    // Minted already: a cache that cannot take them (a full or read-only disk) must not keep them
    // from docker, which then failed its push while a live credential nobody held waited for its
    // TTL. The write leaves no part of the secret behind; the next `get` mints again.
    await cache?.write(cached).catch(() => {})
    return cached
  }
}

/** All of stdin, as the protocol sends the server URL (or a credentials object) there. */
export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Refuse, before minting, a binding whose registry is not the host docker asked for (nor the
 * entry's `registryHost`): docker sends what `get` prints to the host it asked about, so a
 * mistyped host or binding would hand one registry's credentials to another.
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming both hosts and the way to allow it
 */
function refuseOtherRegistry(host: string, entry: HelperHostConfig, endpoint: string): void {
  const served = registryHost(new URL(endpoint).host)
  const expected = entry.registryHost ?? host
  if (served === expected) return
  const named = entry.registryHost === undefined ? '' : ' (its registryHost)'
  throw new ArtifactRegistryError(
    'INVALID_CONFIG',
    `registries.${host}: the binding mints credentials for ${served}, not ${expected}${named}: docker would send them to ${host}. If ${host} reaches ${served} (a proxy, another name of it), set "registryHost": "${served}" in the entry; otherwise fix the entry's binding or host.`,
  )
}
