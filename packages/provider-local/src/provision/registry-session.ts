import { randomBytes } from 'node:crypto'
import { startLocalRegistry } from '@artifact-registry/registry-server'
import { type CredentialMinter, embeddedMinter, remoteMinter } from '../credential-minter.js'
import { RegistryClient } from '../registry-client.js'
import { RepositoryOperations } from '../repository-operations.js'
import { fetchTrusting } from '../trusting-fetch.js'

/**
 * @internal What provisioning reaches a registry with: the admin client (checks, the catalog) and
 * the provider's own repository deletion, which revokes a repository's credentials with it.
 */
export interface RegistrySession {
  readonly client: RegistryClient
  /** The provider's repository operations with that client: `find` tells what exists as `getRepository` does. */
  readonly repositories: RepositoryOperations
  /** Delete a repository as `deleteRepository` does: credentials revoked, content removed. */
  deleteRepository(name: string): Promise<void>
  /** Revoke every credential of the repository, as `revokeCredentials({ repository })` does: how many. */
  revokeCredentials(name: string): Promise<number>
  /** Revoke every credential of a repository under `namespace/`, held or not: how many. */
  revokeNamespace(namespace: string): Promise<number>
  close(): Promise<void>
}

/** @internal A session on the registry at `url`, as its admin. */
export function sessionAt(
  url: string,
  admin: { username: string; password: string },
  caCertificate: string | undefined,
  tokenServiceUrl?: string,
): RegistrySession {
  const client = new RegistryClient(
    url,
    admin,
    caCertificate === undefined ? undefined : fetchTrusting([caCertificate]),
    tokenServiceUrl,
  )
  const minter = remoteMinter(client, {
    adminCredentials: admin,
    ...(tokenServiceUrl !== undefined && { tokenServiceUrl }),
  })
  return session(client, minter, async () => {})
}

/**
 * @internal A session on the registry of `dataDir`, started in this process on any free port as
 * `local({ dataDir })` starts it, but leaving `endpoint.json` as it is: the port the directory's
 * program serves on stays. Taking the directory's lock, it is refused (`UNAVAILABLE`, naming the
 * holder) while another registry serves the directory.
 */
export async function sessionOnDataDirectory(dataDir: string): Promise<RegistrySession> {
  // A throwaway admin: the embedded registry keeps no admin in its directory.
  const admin = { username: 'admin', password: randomBytes(24).toString('base64url') }
  const embedded = await startLocalRegistry({
    dataDir,
    adminCredentials: admin,
    gcIntervalSeconds: 0,
  })
  const client = new RegistryClient(embedded.url, admin)
  return session(client, embeddedMinter(embedded), () => embedded.close())
}

// --- Internal ---

function session(
  client: RegistryClient,
  minter: CredentialMinter,
  stop: () => Promise<void>,
): RegistrySession {
  const repositories = new RepositoryOperations(client)
  return {
    client,
    repositories,
    deleteRepository: (name) =>
      repositories.delete(name, () => minter.revoke({ repository: name })),
    revokeCredentials: (name) => minter.revoke({ repository: name }),
    revokeNamespace: (namespace) => minter.revoke({ namespace }),
    close: async () => {
      client.close()
      await stop()
    },
  }
}
