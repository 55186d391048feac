import type { Permission } from '@artifact-registry/core'
import type {
  CredentialsToRevoke,
  LocalRegistry,
  MintedCredential,
} from '@artifact-registry/registry-server'
import { platformError, RegistryHttpError, repositoryNotFound } from './map-error.js'
import type { LocalProviderOptions } from './options.js'
import { checkedRealm } from './realm-check.js'
import type { RegistryClient } from './registry-client.js'

/** The admin endpoints of our registry and token service that mint and revoke credentials. */
const MINT_PATH = '/_artifact-registry/credentials'
const REVOKE_PATH = '/_artifact-registry/credentials/revoke'

/** Mints credentials for one repository and permission, and revokes them. */
export interface CredentialMinter {
  /**
   * Mint, only while the repository exists where the registry can tell (ours; not a token
   * service in front of a registry:2): asked in the registry's own step, a deletion by another
   * process either revokes the credential or makes this refuse, where a check here and then a
   * mint could hand out a credential that outlives the deletion. `repositoryChecked` says whether
   * the registry asked; when it did not, the caller checks after the mint (see `LocalProvider`).
   * @throws ArtifactRegistryError `NOT_FOUND` when the registry says the repository holds nothing
   */
  mint(repository: string, permission: Permission, ttlSeconds: number): Promise<Minted>
  /** Revoke one credential or every credential of a repository; resolves to how many. */
  revoke(which: CredentialsToRevoke): Promise<number>
}

/** A credential just minted, and whether the registry checked that its repository exists. */
export type Minted = Pick<MintedCredential, 'username' | 'password' | 'expiresAt'> & {
  repositoryChecked: boolean
}

/** Minting in process, on the embedded registry. */
export function embeddedMinter(registry: LocalRegistry): CredentialMinter {
  return {
    async mint(repository, permission, ttl) {
      const minted = await registry.generateCredentialsIfRepositoryExists(
        repository,
        permission,
        ttl,
      )
      if (minted === undefined) throw repositoryNotFound(repository)
      return { ...minted, repositoryChecked: true }
    },
    revoke: (which) => registry.revokeCredentials(which),
  }
}

/**
 * Minting and revoking over HTTP at the admin-only endpoints of our registry or of the token
 * service in front of a registry:2 (found from the registry's Bearer challenge).
 */
export function remoteMinter(
  client: RegistryClient,
  options: LocalProviderOptions,
): CredentialMinter {
  let base: Promise<string> | undefined
  const mintBase = (): Promise<string> => {
    base ??= options.tokenServiceUrl
      ? Promise.resolve(options.tokenServiceUrl)
      : client
          .discoverRealm()
          .then((realm) => (realm ? realmOrRegistry(client, realm) : client.baseUrl))
          .catch((error: unknown) => {
            // Only an answer is remembered: a registry unreachable once (a restart) must not
            // leave every later revocation failing, the leaked credential it was for still live.
            base = undefined
            throw error
          })
    return base
  }
  const adminPost = async (path: string, body: unknown): Promise<Response> => {
    const auth = options.adminCredentials
    const origin = (await mintBase()).replace(/\/+$/, '')
    const res = await client.fetch(`${origin}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(auth && {
          authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`,
        }),
      },
      body: JSON.stringify(body),
    })
    // Our registry and token service serve both paths (a mint's 404 says NAME_UNKNOWN): any
    // other 404, or a 405, is a server without them, a configuration error. Read as NOT_FOUND it
    // said the repository just found was missing, and made deleteRepository, which revokes here,
    // answer NOT_FOUND, which a caller takes for "already gone" while its credentials live on.
    const noEndpoint =
      res.status === 405 ||
      (res.status === 404 && !(path === MINT_PATH && (await isNameUnknown(res))))
    if (noEndpoint) throw noCredentialEndpoint(origin, path, res.status)
    return res
  }
  return {
    async mint(repository, permission, ttlSeconds) {
      const res = await adminPost(MINT_PATH, {
        repository,
        permission,
        ttlSeconds,
        ifRepositoryExists: true,
      })
      // A 404 here is our registry's NAME_UNKNOWN (see adminPost): the repository was deleted
      // since this provider found it (a token service mints without asking).
      if (res.status === 404) throw repositoryNotFound(repository)
      if (res.status !== 201)
        throw new RegistryHttpError(res.status, await res.text(), 'minting credentials')
      return mintedFrom(await answerJson(res), answeredBy(res))
    },
    async revoke(which) {
      const res = await adminPost(REVOKE_PATH, which)
      if (res.status !== 200)
        throw new RegistryHttpError(res.status, await res.text(), 'revoking credentials')
      const { revoked } = ((await answerJson(res)) ?? {}) as { revoked?: unknown }
      // A 200 that does not say how many were revoked is no proof that any were: the caller
      // would take credentials for revoked that may still work.
      if (!Number.isSafeInteger(revoked) || (revoked as number) < 0) {
        throw malformedAnswer(answeredBy(res), 'revoking credentials', 'revoked (a count)')
      }
      return revoked as number
    },
  }
}

// --- Internal ---

/**
 * Whether a 404 is our registry's NAME_UNKNOWN (its first OCI error's code). Read from a clone, so
 * the body stays for whoever handles the answer.
 */
async function isNameUnknown(res: Response): Promise<boolean> {
  try {
    const body = (await res.clone().json()) as { errors?: { code?: unknown }[] } | null
    return body?.errors?.[0]?.code === 'NAME_UNKNOWN'
  } catch {
    return false
  }
}

/**
 * A credential from a mint's 201 body, refused unless it holds a username, a password and an
 * `expiresAt` that is a date: an answer that is not ours would otherwise be handed out as
 * credentials of `undefined`, expiring at an invalid date, which callers (the CLI's helper
 * among them) cannot even compare.
 */
function mintedFrom(body: unknown, from: string): Minted {
  const { username, password, expiresAt, repositoryChecked } = (body ?? {}) as Record<
    string,
    unknown
  >
  const expiry = typeof expiresAt === 'string' ? new Date(expiresAt) : undefined
  if (
    typeof username !== 'string' ||
    username === '' ||
    typeof password !== 'string' ||
    password === '' ||
    expiry === undefined ||
    Number.isNaN(expiry.getTime())
  ) {
    throw malformedAnswer(from, 'minting credentials', 'username, password and expiresAt')
  }
  // Absent from a token service and from registries older than the field: not asked.
  return { username, password, expiresAt: expiry, repositoryChecked: repositoryChecked === true }
}

/**
 * The JSON body of an answer; one that is not JSON is `undefined` (and refused by its reader). An
 * answer cut short while it is read still rejects with its network error: that is an outage, to
 * retry, not a server of another kind.
 */
async function answerJson(res: Response): Promise<unknown> {
  const text = await res.text()
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Who answered, for the message: the origin the request went to. */
function answeredBy(res: Response): string {
  return URL.canParse(res.url) ? new URL(res.url).origin : 'the registry'
}

/** What a binding's `url` must reach for credentials to be minted and revoked. */
const WHAT_URL_MUST_BE =
  'url must be our registry (artifact-registry-local serve) or a registry:2 behind our token service (artifact-registry-local token-service)'

/** `INVALID_CONFIG` for a server at `from` whose answer to `what` lacks `fields`. */
function malformedAnswer(from: string, what: string, fields: string): Error {
  return platformError(
    'INVALID_CONFIG',
    `${what}: ${from} answered without ${fields}: ${WHAT_URL_MUST_BE}`,
  )
}

/** `INVALID_CONFIG` for a server at `origin` that does not serve the admin endpoint `path`. */
function noCredentialEndpoint(origin: string, path: string, status: number): Error {
  return platformError(
    'INVALID_CONFIG',
    `${origin} has no ${path} endpoint (it answered ${status}): ${WHAT_URL_MUST_BE}, and a proxy in front of either must pass /_artifact-registry/ through`,
  )
}

/**
 * Where to mint, for a registry whose challenge names `realm`: the realm's origin when the
 * admin's credentials may go there (see {@link checkedRealm}), else the registry itself when it
 * serves the endpoints (ours). Ours names its realm by its `publicUrl`, a name this provider may
 * not know it by (it reaches the registry at 127.0.0.1, the realm says registry.example.com):
 * that realm stays untrusted, but minting and revoking must not fail for it, or a credential
 * handed out could no longer be revoked.
 * @throws ArtifactRegistryError `INVALID_CONFIG` when the realm is refused and the registry
 *   serves no token endpoint itself (a registry:2 whose token service is elsewhere)
 */
async function realmOrRegistry(client: RegistryClient, realm: string): Promise<string> {
  try {
    return checkedRealm(realm, client.baseUrl, client.tokenServiceUrl).origin
  } catch (refusal) {
    if (await servesTokenEndpoints(client)) return client.baseUrl
    throw refusal
  }
}

// Asked without credentials: our registry's token endpoint refuses with its own Basic
// challenge, where a registry:2 has no such route (404) and one that wants a token asks for it.
async function servesTokenEndpoints(client: RegistryClient): Promise<boolean> {
  const res = await client.fetch(`${client.baseUrl}/token`)
  await res.body?.cancel()
  return (
    res.status === 401 &&
    /^Basic realm="artifact-registry"/.test(res.headers.get('www-authenticate') ?? '')
  )
}
