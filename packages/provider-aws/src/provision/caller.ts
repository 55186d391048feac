import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import { type Partition, partitionOf } from '../arn.js'
import { platformError } from '../map-error.js'
import type { ProvisionClients } from './clients.js'
import { awsCall, type ProvisionContext } from './context.js'

/** The calling identity's account and partition: where the roles are created. */
export interface Caller {
  readonly accountId: string
  readonly partition: Partition['id']
}

/**
 * Ask `sts:GetCallerIdentity` (which IAM never refuses) for the account and partition.
 * @throws ArtifactRegistryError `INVALID_CONFIG` when the identity's partition is not the
 *   region's (credentials of `aws` cannot create roles for `cn-north-1`).
 */
export async function callerOf(
  ctx: Pick<ProvisionContext, 'recorder'> & { clients: ProvisionClients },
  region: string,
): Promise<Caller> {
  const out = await awsCall(ctx, 'GetCallerIdentity', (o) =>
    ctx.clients.sts().send(new GetCallerIdentityCommand({}), o),
  )
  const partition = /^arn:([^:]+):/.exec(out.Arn ?? '')?.[1]
  if (out.Account === undefined || !/^\d{12}$/.test(out.Account) || partition === undefined) {
    throw platformError('INTERNAL', 'GetCallerIdentity returned no account id or ARN')
  }
  const wanted = partitionOf(region).id
  if (partition !== wanted) {
    throw platformError(
      'INVALID_CONFIG',
      `The credentials belong to partition ${partition}, but region ${region} is in ${wanted}`,
    )
  }
  return { accountId: out.Account, partition: wanted }
}
