import { randomUUID } from 'node:crypto'
import type { FakeResponse } from '../fake-server.js'
import { type InjectOptions, OperationQueues } from '../operation-queues.js'
import { armError, json } from './responses.js'
import type { FakeOperationFailure, LroStyle } from './state.js'

/** Operations whose long-running operation can be made to fail. */
export type FakeLroOperation =
  | 'scopeMaps.create'
  | 'scopeMaps.update'
  | 'scopeMaps.delete'
  | 'tokens.create'
  | 'tokens.delete'
  | 'registries.create'
  | 'registries.update'
  | 'registries.delete'
  | 'registries.generateCredentials'

/** Every {@link FakeLroOperation}. */
export const LRO_OPERATIONS: readonly FakeLroOperation[] = [
  'scopeMaps.create',
  'scopeMaps.update',
  'scopeMaps.delete',
  'tokens.create',
  'tokens.delete',
  'registries.create',
  'registries.update',
  'registries.delete',
  'registries.generateCredentials',
]

/** What an ARM write does, for {@link LroEngine.start}. */
export interface OperationSpec {
  /** Which write it is: injected failures are per operation. */
  operation: FakeLroOperation
  /** `{origin}/subscriptions/{sub}`: where the operation URLs live. */
  subscriptionUrl: string
  /** Azure region of the resource, part of the operation URLs. */
  location: string
  /** Status of the first answer in `azure-async-operation` style: 201/200 for PUT, 202 for DELETE. */
  initialStatus: number
  /** Body of that first answer (the resource while it is being created), if any. */
  initialBody?: unknown
  /** Applies the success to the state. */
  complete: () => void
  /** Applies a failure to the state (e.g. removes the half-created resource). */
  abort: () => void
  /** The final answer once it succeeded: the resource (200/201) or 204 for a delete. */
  result: () => FakeResponse
  /**
   * For a POST whose answer is its result (`generateCredentials`): in `azure-async-operation`
   * style a `Location` header comes too, where the client fetches the result once the status
   * says `Succeeded`, as ARM sends it for such operations.
   */
  resultAtLocation?: boolean
}

interface PendingOperation {
  spec: OperationSpec
  pollsLeft: number
  failure: FakeOperationFailure | undefined
  outcome: 'Succeeded' | 'Failed' | undefined
  /** The URL the client polls. */
  pollUrl: string
}

const API_VERSION = '2025-11-01'

/**
 * ARM long-running operations in the three shapes the Azure SDK (core-lro) understands:
 * `Azure-AsyncOperation` (poll an operation status until `Succeeded`/`Failed`, then a final GET),
 * `Location` (poll until the answer is not 202; that answer is the result) and `immediate` (the
 * first answer is terminal, no polling).
 */
export class LroEngine {
  /** How new operations answer. */
  style: LroStyle
  /** Polls answered "in progress" before an operation finishes. */
  pollsBeforeDone: number
  readonly #operations = new Map<string, PendingOperation>()
  readonly #failures = new OperationQueues<FakeOperationFailure>('azure-fake')

  constructor(style: LroStyle, pollsBeforeDone: number) {
    this.style = style
    this.pollsBeforeDone = pollsBeforeDone
  }

  /** Make the next `options.times` operations of `operation` that start end in `failure`. */
  failNext(
    operation: FakeLroOperation,
    failure: FakeOperationFailure,
    options: InjectOptions | undefined,
  ): void {
    this.#failures.add(operation, failure, options)
  }

  /** Answer the request that starts an operation, in the current style. */
  start(spec: OperationSpec): FakeResponse {
    const failure = this.#failures.take(spec.operation)
    if (this.style === 'immediate') return finishNow(spec, failure)
    const id = randomUUID()
    const url = (kind: string) =>
      `${spec.subscriptionUrl}/providers/Microsoft.ContainerRegistry/locations/${spec.location}/${kind}/${id}?api-version=${API_VERSION}`
    const resultUrl = url('operationResults')
    const pollUrl = this.style === 'location' ? resultUrl : url('operationStatuses')
    const pollsLeft = this.pollsBeforeDone
    this.#operations.set(id, { spec, pollsLeft, failure, outcome: undefined, pollUrl })
    if (this.style === 'location') return { status: 202, headers: { location: pollUrl } }
    const headers: Record<string, string> = { 'azure-asyncoperation': pollUrl }
    if (spec.resultAtLocation === true) headers.location = resultUrl
    return json(spec.initialStatus, spec.initialBody, headers)
  }

  /** Answer a poll of `operationStatuses/{id}` (async-operation style). */
  pollStatus(id: string): FakeResponse {
    const op = this.#operations.get(id)
    if (op === undefined) return unknownOperation(id)
    if (this.#advance(op)) return json(200, { id, name: id, status: 'InProgress' })
    if (op.outcome === 'Succeeded') return json(200, { id, name: id, status: 'Succeeded' })
    const { code, message } = op.failure ?? { code: 'Failed', message: 'failed' }
    return json(200, { id, name: id, status: 'Failed', error: { code, message } })
  }

  /** Answer a poll of `operationResults/{id}` (location style). */
  pollResult(id: string): FakeResponse {
    const op = this.#operations.get(id)
    if (op === undefined) return unknownOperation(id)
    if (this.#advance(op)) return { status: 202, headers: { location: op.pollUrl } }
    if (op.outcome === 'Succeeded') return op.spec.result()
    const { code, message, status } = op.failure ?? { code: 'Failed', message: 'failed' }
    return armError(status ?? 500, code, message)
  }

  /** Forget the failures waiting for operations to start. */
  clearFailures(): void {
    this.#failures.clear()
  }

  /** Count one poll; `true` while the operation is still running. Settles it exactly once. */
  #advance(op: PendingOperation): boolean {
    if (op.outcome !== undefined) return false
    if (op.pollsLeft > 0) {
      op.pollsLeft -= 1
      return true
    }
    if (op.failure === undefined) {
      op.spec.complete()
      op.outcome = 'Succeeded'
    } else {
      op.spec.abort()
      op.outcome = 'Failed'
    }
    return false
  }
}

// --- Internal ---

function finishNow(spec: OperationSpec, failure: FakeOperationFailure | undefined): FakeResponse {
  if (failure !== undefined) {
    spec.abort()
    return armError(failure.status ?? 500, failure.code, failure.message)
  }
  spec.complete()
  const result = spec.result()
  // A delete that finishes at once answers 200 with no polling headers.
  return result.status === 204 ? { status: 200 } : result
}

function unknownOperation(id: string): FakeResponse {
  return armError(404, 'OperationNotFound', `The operation '${id}' was not found.`)
}

/**
 * @internal The `operationFailure` a test passed to `inject`, checked.
 * @throws TypeError unless it is `{ code: string, message: string, status?: number }`.
 */
export function checkedFailure(failure: unknown): FakeOperationFailure {
  const f = (typeof failure === 'object' && failure !== null ? failure : {}) as Record<
    string,
    unknown
  >
  const statusOk = f.status === undefined || Number.isInteger(f.status)
  if (typeof f.code !== 'string' || typeof f.message !== 'string' || !statusOk) {
    throw new TypeError(
      '[azure-fake] an operationFailure is { code: string, message: string, status?: number }',
    )
  }
  return failure as FakeOperationFailure
}
