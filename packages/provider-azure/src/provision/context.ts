import { type ErrorContext, ProvisionRecorder } from '@artifact-registry/core'
import {
  AuthorizationManagementClient,
  type AuthorizationManagementClientOptionalParams,
} from '@azure/arm-authorization'
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry'
import { withRetry } from '../retry.js'
import { registryId } from './ids.js'
import type { ResolvedProvisionOptions } from './options.js'

/** What every step of one `provision` or `deprovision` run shares. */
export interface ProvisionContext {
  readonly resolved: ResolvedProvisionOptions
  readonly recorder: ProvisionRecorder
  readonly registries: ContainerRegistryManagementClient
  readonly authorization: AuthorizationManagementClient
  /** ARM id of the registry: the scope of its role assignments. */
  readonly registryId: string
  /** ARM id of its resource group: where the custom role is defined. */
  readonly resourceGroupId: string
  /**
   * Run one platform call with the runtime provider's retry policy (429 after `Retry-After`, 5xx
   * backing off) and error mapping; a cancelled run rejects with the signal's reason.
   */
  call<T>(context: ErrorContext, op: (signal: AbortSignal | undefined) => Promise<T>): Promise<T>
  /** Wait one poll interval (`pollIntervalMs`, 2 s by default) before asking again. */
  pause(): Promise<void>
}

/** The SDK's own poll interval of long-running operations, used when `pollIntervalMs` is unset. */
const DEFAULT_POLL_MS = 2000

/** The context of a run: its recorder and the two ARM clients of the provisioning identity. */
export function provisionContext(resolved: ResolvedProvisionOptions): ProvisionContext {
  const { options, runtime } = resolved
  const recorder = new ProvisionRecorder(options)
  const registries = new ContainerRegistryManagementClient(
    runtime.credential,
    runtime.subscriptionId,
    runtime.armClientOptions,
  )
  const authorization = new AuthorizationManagementClient(
    runtime.credential,
    runtime.subscriptionId,
    authorizationClientOptions(resolved),
  )
  const { subscriptionId, resourceGroup, registryName } = runtime
  return {
    resolved,
    recorder,
    registries,
    authorization,
    registryId: registryId(subscriptionId, resourceGroup, registryName),
    resourceGroupId: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`,
    async call(context, op) {
      recorder.checkpoint()
      try {
        return await withRetry(() => op(recorder.signal), runtime, context)
      } catch (err) {
        // The SDK reports a cancelled call as its own AbortError; the run's reason is the answer.
        recorder.checkpoint()
        throw err
      }
    },
    async pause() {
      await runtime.clock.sleep(runtime.pollIntervalMs ?? DEFAULT_POLL_MS)
      recorder.checkpoint()
    },
  }
}

// --- Internal ---

/**
 * The ARM options for `AuthorizationManagementClient`, which (unlike the registry client) sends
 * requests to `$host` and asks for the token of `credentialScopes`.
 */
function authorizationClientOptions(
  resolved: ResolvedProvisionOptions,
): AuthorizationManagementClientOptionalParams {
  const { endpoint, credentials, ...common } = resolved.runtime.armClientOptions
  const host = endpoint ?? 'https://management.azure.com'
  return { ...common, endpoint: host, $host: host, credentialScopes: credentials?.scopes }
}
