import type { Permission } from '@artifact-registry/core'
import type { LocalRegistry, MintedCredential } from '@artifact-registry/registry-server'
import { RegistryHttpError } from './map-error.js'
import type { LocalProviderOptions } from './options.js'
import type { RegistryClient } from './registry-client.js'

/** Mints credentials for one repository and permission. */
export interface CredentialMinter {
  mint(
    repository: string,
    permission: Permission,
    ttlSeconds: number,
  ): Promise<Pick<MintedCredential, 'username' | 'password' | 'expiresAt'>>
}

/** Minting in process, on the embedded registry. */
export function embeddedMinter(registry: LocalRegistry): CredentialMinter {
  return {
    mint: (repository, permission, ttl) =>
      registry.generateCredentials(repository, permission, ttl),
  }
}

/**
 * Minting over HTTP at the admin-only endpoint of our registry or of the token service in front
 * of a registry:2 (found from the registry's Bearer challenge).
 */
export function remoteMinter(
  client: RegistryClient,
  options: LocalProviderOptions,
): CredentialMinter {
  let base: Promise<string> | undefined
  const mintBase = (): Promise<string> => {
    base ??= options.tokenServiceUrl
      ? Promise.resolve(options.tokenServiceUrl)
      : client.discoverRealm().then((realm) => (realm ? new URL(realm).origin : client.baseUrl))
    return base
  }
  return {
    async mint(repository, permission, ttlSeconds) {
      const auth = options.adminCredentials
      const res = await client.fetch(
        `${(await mintBase()).replace(/\/+$/, '')}/_artifact-registry/credentials`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(auth && {
              authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`,
            }),
          },
          body: JSON.stringify({ repository, permission, ttlSeconds }),
        },
      )
      if (res.status !== 201)
        throw new RegistryHttpError(res.status, await res.text(), 'minting credentials')
      const body = (await res.json()) as { username: string; password: string; expiresAt: string }
      return {
        username: body.username,
        password: body.password,
        expiresAt: new Date(body.expiresAt),
      }
    },
  }
}
