import type { Permission } from '@artifact-registry/core'
import type {
  CredentialsToRevoke,
  LocalRegistry,
  MintedCredential,
} from '@artifact-registry/registry-server'
import { RegistryHttpError, repositoryNotFound } from './map-error.js'
import type { LocalProviderOptions } from './options.js'
import { checkedRealm } from './realm-check.js'
import type { RegistryClient } from './registry-client.js'

/** Mints credentials for one repository and permission, and revokes them. */
export interface CredentialMinter {
  /**
   * Mint, only while the repository exists where the registry can tell (ours; not a token
   * service in front of a registry:2): asked in the registry's own step, a deletion by another
   * process either revokes the credential or makes this refuse, where a check here and then a
   * mint could hand out a credential that outlives the deletion.
   * @throws ArtifactRegistryError `NOT_FOUND` when the registry says the repository holds nothing
   */
  mint(
    repository: string,
    permission: Permission,
    ttlSeconds: number,
  ): Promise<Pick<MintedCredential, 'username' | 'password' | 'expiresAt'>>
  /** Revoke one credential or every credential of a repository; resolves to how many. */
  revoke(which: CredentialsToRevoke): Promise<number>
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
      return minted
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
    return client.fetch(`${(await mintBase()).replace(/\/+$/, '')}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(auth && {
          authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`,
        }),
      },
      body: JSON.stringify(body),
    })
  }
  return {
    async mint(repository, permission, ttlSeconds) {
      const res = await adminPost('/_artifact-registry/credentials', {
        repository,
        permission,
        ttlSeconds,
        ifRepositoryExists: true,
      })
      if (res.status !== 201) {
        const text = await res.text()
        // Our registry's answer when the repository was deleted since this provider found it (a
        // token service mints without asking); any other 404 is a server without the endpoint.
        if (res.status === 404 && ociErrorCode(text) === 'NAME_UNKNOWN')
          throw repositoryNotFound(repository)
        throw new RegistryHttpError(res.status, text, 'minting credentials')
      }
      const body = (await res.json()) as { username: string; password: string; expiresAt: string }
      return {
        username: body.username,
        password: body.password,
        expiresAt: new Date(body.expiresAt),
      }
    },
    async revoke(which) {
      const res = await adminPost('/_artifact-registry/credentials/revoke', which)
      if (res.status !== 200)
        throw new RegistryHttpError(res.status, await res.text(), 'revoking credentials')
      return ((await res.json()) as { revoked: number }).revoked
    },
  }
}

// --- Internal ---

/** The code of the first error of an OCI error body, if `text` is one. */
function ociErrorCode(text: string): string | undefined {
  try {
    const code: unknown = (JSON.parse(text) as { errors?: { code?: unknown }[] }).errors?.[0]?.code
    return typeof code === 'string' ? code : undefined
  } catch {
    return undefined
  }
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
