import type { ArtifactRegistry, ArtifactRegistryCredentials } from '@artifact-registry/core'
import type { CommandContext } from '../context.js'
import { InterruptedError } from '../failure.js'
import { retireUnusedCredentials } from '../unused-credentials.js'
import { type MintOptions, mintWith } from './mint.js'

/**
 * {@link mintWith}, seen through to its end when Ctrl-C comes meanwhile: the mint cannot be
 * cancelled (the contract's calls take no signal), and abandoned it still made a credential that
 * was neither delivered nor revoked. Interrupted before it returns, the credentials are retired
 * as unused ones are (revoked where the provider can, else the error says until when they stay
 * valid) and the command ends with an {@link InterruptedError} saying so. A second Ctrl-C still
 * exits at once. Run it under `withRegistryUntilSettled`, which keeps the registry open for that;
 * `context.signal` says whether Ctrl-C came.
 *
 * @throws InterruptedError when `context.signal` aborted before the credentials were returned
 */
export async function mintThroughInterrupt(
  context: CommandContext,
  registry: ArtifactRegistry,
  name: string,
  options: MintOptions,
): Promise<ArtifactRegistryCredentials> {
  const { signal } = context
  if (signal.aborted) throw signal.reason
  let credentials: ArtifactRegistryCredentials
  try {
    // Its notices (a lifetime other than asked, a reach beyond the repository) go to stderr.
    credentials = await mintWith(registry, name, options, (line) =>
      context.io.stderr.write(`${line}\n`),
    )
  } catch (error) {
    // Nothing was minted: the user asked to stop, and that is what the command reports.
    throw signal.aborted ? signal.reason : error
  }
  if (!signal.aborted) return credentials
  throw await retireUnusedCredentials(
    registry,
    credentials,
    new InterruptedError(),
    (message, cause) => new InterruptedError(message, cause),
  )
}
