/** An AWS partition: its id in ARNs and the DNS suffix of its registry hosts. */
export interface Partition {
  readonly id: 'aws' | 'aws-cn' | 'aws-us-gov'
  readonly dnsSuffix: string
}

/** AWS region names, e.g. `us-east-1`, `cn-north-1`, `us-gov-west-1`. */
export const REGION_PATTERN: RegExp = /^[a-z]{2}(-[a-z]+)+-\d+$/

/** The partition a region belongs to (China and GovCloud have their own ARNs and hosts). */
export function partitionOf(region: string): Partition {
  if (region.startsWith('cn-')) return { id: 'aws-cn', dnsSuffix: 'amazonaws.com.cn' }
  if (region.startsWith('us-gov-')) return { id: 'aws-us-gov', dnsSuffix: 'amazonaws.com' }
  return { id: 'aws', dnsSuffix: 'amazonaws.com' }
}

/** `{account}.dkr.ecr.{region}.{suffix}`: the host `docker login` uses. */
export function registryHost(accountId: string, region: string): string {
  return `${accountId}.dkr.ecr.${region}.${partitionOf(region).dnsSuffix}`
}

/** The `host[:port]` of a registry endpoint (`https://host`, or a bare host), or `undefined`. */
export function endpointHost(endpoint: string | undefined): string | undefined {
  if (endpoint === undefined) return undefined
  try {
    return new URL(endpoint.includes('://') ? endpoint : `https://${endpoint}`).host || undefined
  } catch {
    return undefined
  }
}

/**
 * The registry host to log in to with a token whose `proxyEndpoint` is given, for the registry of
 * `accountId`. ECR names the registry of the caller's own account there: a role in another
 * account than the registry (let in by the repositories' policies) gets its own account's host,
 * where the credential would be stored under a host docker never asks for. An ECR host of
 * another account is therefore turned into the same host of `accountId`; any other endpoint (a
 * proxy, a fake on 127.0.0.1) is kept as it is.
 */
export function tokenRegistryHost(
  proxyEndpoint: string | undefined,
  accountId: string,
): string | undefined {
  const host = endpointHost(proxyEndpoint)
  if (host === undefined) return undefined
  // `dkr.ecr.`, its FIPS form `dkr.ecr-fips.` and the dual-stack `dkr-ecr.`.
  const ecr = /^(\d{12})(\.dkr[.-]ecr(?:-fips)?\..+)$/.exec(host)
  return ecr === null || ecr[1] === accountId ? host : `${accountId}${ecr[2]}`
}

/** `arn:{partition}:iam::{account}:root`, the principal that stands for a whole account. */
export function rootArn(partition: Partition, accountId: string): string {
  return `arn:${partition.id}:iam::${accountId}:root`
}

/** `arn:{partition}:lambda:{region}:{account}:function:*`; `region` may be `*`. */
export function lambdaSourceArn(partition: Partition, region: string, accountId: string): string {
  return `arn:${partition.id}:lambda:${region}:${accountId}:function:*`
}

/**
 * An IAM role ARN, with an optional path: `arn:aws:iam::123456789012:role/path/name`. The name is
 * IAM's 64 characters at most: a longer one names no role, and refused here it costs no call.
 */
export const ROLE_ARN_PATTERN: RegExp =
  /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/

/**
 * What {@link ROLE_ARN_PATTERN} takes, for the messages that refuse an ARN: the name's length is
 * said, as an ARN whose only fault is a long name looks right in every other way.
 */
export const ROLE_ARN_SHAPE =
  'arn:aws:iam::123456789012:role/path/name, a name of 64 characters at most'
