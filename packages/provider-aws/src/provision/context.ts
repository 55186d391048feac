import type { ErrorCode, ProvisionRecorder } from '@artifact-registry/core'
import type { Partition } from '../arn.js'
import { awsErrorName, mapError, platformError } from '../map-error.js'
import type { ProvisionClients } from './clients.js'

/** @internal What every step of `provision` and `deprovision` works with. */
export interface ProvisionContext {
  readonly clients: ProvisionClients
  readonly recorder: ProvisionRecorder
  readonly region: string
  readonly prefix: string
  /** The account of the calling identity, which owns the registry and the roles. */
  readonly accountId: string
  readonly partition: Partition['id']
}

/** What an SDK `send` takes besides the command: the run's signal. */
export interface SendOptions {
  abortSignal?: AbortSignal
}

/**
 * @internal Run one SDK call with the run's signal. A cancelled run rejects with the signal's
 * reason; any other failure is mapped (`codes` overrides the code of an AWS error name).
 */
export async function awsCall<T>(
  ctx: Pick<ProvisionContext, 'recorder'>,
  operation: string,
  send: (options: SendOptions) => Promise<T>,
  codes: Readonly<Record<string, ErrorCode>> = {},
): Promise<T> {
  ctx.recorder.checkpoint()
  const signal = ctx.recorder.signal
  try {
    return await send(signal === undefined ? {} : { abortSignal: signal })
  } catch (err) {
    ctx.recorder.checkpoint()
    const code = codes[awsErrorName(err) ?? '']
    if (code === undefined) throw mapError(err, { operation })
    const message = err instanceof Error ? err.message : String(err)
    throw platformError(code, `${operation} failed: ${awsErrorName(err)}: ${message}`, {
      cause: err,
    })
  }
}

/** @internal {@link awsCall}, but IAM's `NoSuchEntity` (the role or policy is absent) is `undefined`. */
export async function awsRead<T>(
  ctx: Pick<ProvisionContext, 'recorder'>,
  operation: string,
  send: (options: SendOptions) => Promise<T>,
): Promise<T | undefined> {
  try {
    return await awsCall(ctx, operation, send)
  } catch (err) {
    if (awsErrorName((err as { cause?: unknown }).cause) === 'NoSuchEntityException') {
      return undefined
    }
    throw err
  }
}
