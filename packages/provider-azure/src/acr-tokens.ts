import type { Token, TokenPasswordName } from '@azure/arm-containerregistry'
import { RegistryChildResources } from './arm-resources.js'
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
 * their passwords (`registries/generateCredentials`): read, listed and deleted by name as every
 * child resource of a registry is; create, delete and password generation are long-running
 * operations, awaited through the SDK's poller.
 */
export class AcrTokens extends RegistryChildResources<Token> {
  constructor(deps: ScopeMapsDeps) {
    super(deps, 'token', (client) => client.tokens)
  }

  /** Create (or update) the enabled token `name`, bound to the scope map `scopeMapId`, and wait. */
  create(name: string, scopeMapId: string): Promise<Token> {
    const { client, resourceGroup, registryName, pollIntervalMs, call } = this.deps
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
    const { client, resourceGroup, registryName, pollIntervalMs, call } = this.deps
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
