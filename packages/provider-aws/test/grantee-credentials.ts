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

/**
 * Registry credentials of an identity of another account, from its own `GetAuthorizationToken`
 * in `region` (the token opens that region's repositories).
 */
export async function granteeCredentials(
  fake: AwsFake,
  identity: GranteeIdentity,
  region?: string,
): Promise<ArtifactRegistryCredentials> {
  if (identity.type !== 'aws') throw new TypeError(`not an AWS identity: ${identity.type}`)
  const ecr = new ECRClient({
    ...fake.clientConfig(region),
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

/** The status of a manifest read (what a pull starts with) of `name:tag` with `credentials`. */
export async function manifestStatus(
  credentials: Pick<ArtifactRegistryCredentials, 'registry' | 'username' | 'password'>,
  name: string,
  tag: string,
): Promise<number> {
  const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
  const res = await fetch(`http://${credentials.registry}/v2/${name}/manifests/${tag}`, {
    headers: {
      authorization: `Basic ${basic}`,
      accept: 'application/vnd.oci.image.manifest.v1+json',
    },
  })
  await res.body?.cancel()
  return res.status
}
