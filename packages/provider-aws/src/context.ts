import type { AwsClients } from './clients.js'
import type { ResolvedOptions } from './options.js'
import type { SessionCeilings } from './session-ceilings.js'

/** @internal What every operation of the provider works with. */
export interface AwsContext {
  readonly options: ResolvedOptions
  readonly clients: AwsClients
  /** The account that owns the registry. */
  readonly accountId: string
  /** The longest sessions STS granted each role, learned from its refusals. */
  readonly sessionCeilings: SessionCeilings
}

/** @internal The home region first, then every replica region. */
export function allRegions(ctx: AwsContext): string[] {
  return [ctx.options.region, ...ctx.options.replicationRegions]
}
