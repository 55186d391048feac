import type { Token, TokenPasswordName } from '@azure/arm-containerregistry'
import { deleteChildResource, listChildResources, readChildResource } from './arm-resources.js'
import type { ScopeMapsDeps } from './scope-map.js'

/** A password ARM generated for a token. */
export interface GeneratedPassword {
  /** The name to log in with: the token's name. */
  readonly username: string
  /** The secret. Never log it. */
  readonly password: string
  /** When ACR stops accepting it, as ARM reports it. */
  readonly expiry: Date | undefined
}

/**
 * ACR tokens of one registry through ARM (`Microsoft.ContainerRegistry/registries/tokens`) and
 * their passwords (`registries/generateCredentials`). Create, delete and password generation are
 * long-running operations, awaited through the SDK's poller.
 */
export class AcrTokens {
  readonly #deps: ScopeMapsDeps

  constructor(deps: ScopeMapsDeps) {
    this.#deps = deps
  }

  /** The token called `name`, or `undefined` when ARM says it does not exist. */
  get(name: string): Promise<Token | undefined> {
    const { resourceGroup, registryName } = this.#deps
    return readChildResource(this.#deps, 'token', name, (client) =>
      client.tokens.get(resourceGroup, registryName, name),
    )
  }

  /** Every token of the registry. */
  list(): Promise<Token[]> {
    const { resourceGroup, registryName } = this.#deps
    return listChildResources(this.#deps, 'tokens', (client) =>
      client.tokens.list(resourceGroup, registryName),
    )
  }

  /** Create (or update) the enabled token `name`, bound to the scope map `scopeMapId`, and wait. */
  create(name: string, scopeMapId: string): Promise<Token> {
    const { client, resourceGroup, registryName, pollIntervalMs, call } = this.#deps
    return call('write', { operation: 'create token', resource: name }, async () =>
      client().tokens.create(
        resourceGroup,
        registryName,
        name,
        { scopeMapId, status: 'enabled' },
        { updateIntervalInMs: pollIntervalMs },
      ),
    )
  }

  /** Delete the token `name` and wait; a missing one is not an error. */
  delete(name: string): Promise<void> {
    const { resourceGroup, registryName } = this.#deps
    return deleteChildResource(this.#deps, 'token', name, (client, options) =>
      client.tokens.delete(resourceGroup, registryName, name, options),
    )
  }

  /**
   * Generate the password `slot` of `token`, valid until `expiry`; the password that held the
   * slot stops working.
   *
   * @throws ArtifactRegistryError `INTERNAL` when ARM answers without the password.
   */
  generatePassword(
    token: Token,
    slot: TokenPasswordName,
    expiry: Date,
  ): Promise<GeneratedPassword> {
    const { client, resourceGroup, registryName, pollIntervalMs, call } = this.#deps
    const name = token.name ?? ''
    return call(
      'write',
      { operation: 'generate a password of token', resource: name },
      async () => {
        const result = await client().registries.generateCredentials(
          resourceGroup,
          registryName,
          { tokenId: token.id, expiry, name: slot },
          { updateIntervalInMs: pollIntervalMs },
        )
        const generated = result.passwords?.find((p) => p.name === slot)
        if (generated?.value === undefined) {
          throw new TypeError(`ARM answered generateCredentials without the ${slot} of the token`)
        }
        return {
          username: result.username ?? name,
          password: generated.value,
          expiry: generated.expiry,
        }
      },
    )
  }
}
