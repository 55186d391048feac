import { type ProvisionOptionsBase, ProvisionRecorder } from '@artifact-registry/core'
import { callerOf } from './caller.js'
import { ProvisionClients } from './clients.js'
import type { ProvisionContext } from './context.js'
import type { ResolvedOptions } from './options.js'

/**
 * Run one `provision` or `deprovision`: its clients and recorder, the caller's account and
 * partition (`sts:GetCallerIdentity`), then `steps`; the clients are closed however it ends.
 */
export async function provisioningRun<T>(
  resolved: ResolvedOptions,
  options: ProvisionOptionsBase,
  steps: (ctx: ProvisionContext) => Promise<T>,
): Promise<T> {
  const recorder = new ProvisionRecorder(options)
  const clients = new ProvisionClients(resolved.clientConfig, resolved.region)
  try {
    const caller = await callerOf({ clients, recorder }, resolved.region)
    const { region, prefix } = resolved
    return await steps({ clients, recorder, region, prefix, ...caller })
  } finally {
    clients.close()
  }
}
