import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import type { GranteeIdentity, GranteeOptions } from '@artifact-registry/testing'
import type { AwsFake } from '@artifact-registry/testing/fakes/aws'
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr'

/**
 * The contract suite's `grantees` over the AWS fake: the identity (a user or a role session of
 * another account) calls `GetAuthorizationToken` with the real ECR client and its own
 * credentials, as it would in its account, and logs in to the fake's registry with the token.
 */
export function fakeGrantees(fake: AwsFake): GranteeOptions {
  return { credentialsOf: (identity) => granteeCredentials(fake, identity) }
}

/** Registry credentials of an identity of another account, from its own `GetAuthorizationToken`. */
export async function granteeCredentials(
  fake: AwsFake,
  identity: GranteeIdentity,
): Promise<ArtifactRegistryCredentials> {
  if (identity.type !== 'aws') throw new TypeError(`not an AWS identity: ${identity.type}`)
  const ecr = new ECRClient({
    ...fake.clientConfig(),
    credentials: fake.foreignCredentials(identity),
  })
  try {
    const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}))
    const data = authorizationData?.[0]
    if (data?.authorizationToken === undefined || data.expiresAt === undefined) {
      throw new Error('GetAuthorizationToken answered without a token')
    }
    const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    return {
      authMethod: 'basic',
      registry: fake.dataPlane.registry,
      username: decoded.slice(0, colon),
      password: decoded.slice(colon + 1),
      expiresAt: data.expiresAt,
    }
  } finally {
    ecr.destroy()
  }
}
