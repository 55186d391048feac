import { ArtifactRegistryClient } from '@google-cloud/artifact-registry'
import { type AuthClient, GoogleAuth } from 'google-auth-library'
import { CLOUD_PLATFORM_SCOPE } from './impersonation.js'
import { mapError, platformError } from './map-error.js'
import type { GcpProviderOptions } from './options.js'

/**
 * @internal The SDK clients of one provider, created on first use: the identity (an
 * `AuthClient`) and the Artifact Registry client. Closing releases what it created and nothing
 * the caller passed in.
 */
export class GcpClients {
  #auth: Promise<AuthClient> | undefined
  #artifactRegistry: Promise<ArtifactRegistryClient> | undefined
  #owned: ArtifactRegistryClient | undefined
  #closed = false

  constructor(
    private readonly options: Pick<GcpProviderOptions, 'authClient' | 'clientOptions' | 'client'>,
  ) {}

  /** The identity that calls Artifact Registry and IAM Credentials. */
  auth(): Promise<AuthClient> {
    this.assertOpen()
    this.#auth ??= forgetOnFailure(this.createAuth(), () => {
      this.#auth = undefined
    })
    return this.#auth
  }

  /** The Artifact Registry client (REST transport unless `clientOptions.fallback` says otherwise). */
  artifactRegistry(): Promise<ArtifactRegistryClient> {
    this.assertOpen()
    this.#artifactRegistry ??= forgetOnFailure(this.createArtifactRegistry(), () => {
      this.#artifactRegistry = undefined
    })
    return this.#artifactRegistry
  }

  /** Close the client this object created; idempotent. */
  async close(): Promise<void> {
    this.#closed = true
    const owned = this.#owned
    this.#owned = undefined
    await owned?.close()
  }

  // --- Internal ---

  private assertOpen(): void {
    if (this.#closed)
      throw platformError('UNAVAILABLE', 'The provider is closed', { retryable: false })
  }

  private async createAuth(): Promise<AuthClient> {
    const given = this.options.authClient ?? this.options.clientOptions?.authClient
    if (given !== undefined) return given
    try {
      return await new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] }).getClient()
    } catch (err) {
      throw mapError(err, { operation: 'Loading Application Default Credentials' })
    }
  }

  private async createArtifactRegistry(): Promise<ArtifactRegistryClient> {
    const source = this.options.client
    if (source !== undefined) return typeof source === 'function' ? source() : source
    const authClient = await this.auth()
    // REST by default: it works through proxies and lets a plain HTTP server stand in for tests.
    const client = new ArtifactRegistryClient({
      fallback: true,
      ...this.options.clientOptions,
      authClient,
    })
    if (this.#closed) {
      // close() ran while this client was being created: nothing may outlive the provider.
      await client.close()
      this.assertOpen()
    }
    this.#owned = client
    return client
  }
}

// A failed creation is not cached: fixing the environment and calling again must work.
function forgetOnFailure<T>(pending: Promise<T>, forget: () => void): Promise<T> {
  pending.catch(forget)
  return pending
}
