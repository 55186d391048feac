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

/**
 * @internal Run `home` in the home region and, once it has ended (whether or not it succeeded),
 * `replica` in every replica region at once. Every region is tried; then the home region's
 * failure is thrown, else the first replica's.
 */
export async function homeThenReplicas(
  ctx: AwsContext,
  home: () => Promise<unknown>,
  replica: (region: string) => Promise<unknown>,
): Promise<void> {
  const [atHome] = await Promise.allSettled([home()])
  const replicas = await Promise.allSettled(ctx.options.replicationRegions.map(replica))
  const failure = [atHome, ...replicas].find((o) => o.status === 'rejected')
  if (failure !== undefined) throw failure.reason
}

/** @internal The home region first, then every replica region. */
export function allRegions(ctx: AwsContext): string[] {
  return [ctx.options.region, ...ctx.options.replicationRegions]
}
