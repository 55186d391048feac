import { tracingChannel } from 'node:diagnostics_channel'
import type { ArtifactRegistry, Permission } from './artifact-registry.js'
import { type ErrorCode, isArtifactRegistryError } from './errors.js'

/**
 * Name of the `node:diagnostics_channel` tracing channel on which every contract operation of an
 * instrumented provider publishes `start`, `end`, `asyncStart`, `asyncEnd` and, on failure, `error`
 * events, each carrying an {@link OperationEvent}.
 */
export const OPERATION_CHANNEL = 'artifact-registry:operation'

/** The contract operations that publish events; `close` also stands for `Symbol.asyncDispose`. */
export type OperationName =
  | 'createRepository'
  | 'getRepository'
  | 'listRepositories'
  | 'deleteRepository'
  | 'generateCredentials'
  | 'addCrossAccountAccess'
  | 'removeCrossAccountAccess'
  | 'getCrossAccountAccess'
  | 'close'

/**
 * What an operation event tells. One object per call, published to every event of that call, so a
 * subscriber can key per-call state (a start time) on it. It never holds secrets: no credential,
 * no token, no option object and no result; only an {@link ArtifactRegistryError}'s own message,
 * which never contains secrets.
 */
export interface OperationEvent {
  /** The provider's platform id, e.g. `"aws"`. */
  readonly platform: string
  readonly operation: OperationName
  /** The name the operation was called with, when it takes one (`listRepositories` takes none). */
  readonly repository?: string
  /** For `generateCredentials`: the permission asked for. */
  readonly permission?: Permission
  /** On failure: the error's code, or undefined when it is not an `ArtifactRegistryError`. */
  errorCode?: ErrorCode
  /** On failure: the error's class name, e.g. `"ArtifactRegistryError"` or `"TypeError"`. */
  errorName?: string
  /** On failure with an `ArtifactRegistryError`: its message. */
  errorMessage?: string
}

/**
 * Make a provider publish {@link OPERATION_CHANNEL} events for every contract operation. The
 * built-in factories (`aws()`, `gcp()`, `azure()`, `local()`) and `createArtifactRegistry` apply
 * it already; applying it twice is harmless. Everything else about the provider (its other
 * members, `instanceof`) stays as it was. When nobody subscribes, a call costs one check. The own
 * methods of a frozen object cannot be replaced, so they work but publish nothing.
 *
 * @example
 * ```ts
 * const registry = instrument(new HarborProvider(options))
 * ```
 */
export function instrument<R extends ArtifactRegistry>(registry: R): R {
  if ((registry as { [INSTRUMENTED]?: unknown })[INSTRUMENTED] === true) return registry
  const wrappers = new Map<PropertyKey, { method: Method; wrapper: Method }>()
  return new Proxy(registry, {
    get(target, key) {
      if (key === INSTRUMENTED) return true
      // The target as receiver: getters and methods may use private class fields.
      const value: unknown = Reflect.get(target, key, target)
      if (typeof value !== 'function' || !replaceable(target, key)) return value
      const method = value as Method
      const cached = wrappers.get(key)
      if (cached?.method === method) return cached.wrapper
      const wrapper = wrap(target, key, method)
      wrappers.set(key, { method, wrapper })
      return wrapper
    },
    set(target, key, value) {
      return Reflect.set(target, key, value, target)
    },
  })
}

// --- Internal ---

type Method = (...args: never[]) => unknown

// A registered symbol, so that copies of this package agree on what is instrumented.
const INSTRUMENTED = Symbol.for('@artifact-registry/core/instrumented')

const operations = tracingChannel<unknown, OperationEvent>(OPERATION_CHANNEL)

const OPERATION_OF: ReadonlyMap<PropertyKey, OperationName> = new Map<PropertyKey, OperationName>([
  ['createRepository', 'createRepository'],
  ['getRepository', 'getRepository'],
  ['listRepositories', 'listRepositories'],
  ['deleteRepository', 'deleteRepository'],
  ['generateCredentials', 'generateCredentials'],
  ['addCrossAccountAccess', 'addCrossAccountAccess'],
  ['removeCrossAccountAccess', 'removeCrossAccountAccess'],
  ['getCrossAccountAccess', 'getCrossAccountAccess'],
  ['close', 'close'],
  [Symbol.asyncDispose, 'close'],
])

function wrap(target: ArtifactRegistry, key: PropertyKey, method: Method): Method {
  const operation = OPERATION_OF.get(key)
  // Other methods only need the real provider as `this` (private fields).
  if (operation === undefined) return method.bind(target)
  return function traced(...args: unknown[]): unknown {
    const call = (): unknown => Reflect.apply(method, target, args)
    if (!operations.hasSubscribers) return call()
    return publish(eventOf(target, operation, args), call)
  }
}

function eventOf(
  target: ArtifactRegistry,
  operation: OperationName,
  args: unknown[],
): OperationEvent {
  const [name, permission] = args
  return {
    platform: typeof target.platform === 'string' ? target.platform : String(target.platform),
    operation,
    ...(operation !== 'close' && typeof name === 'string' && { repository: name }),
    ...(operation === 'generateCredentials' &&
      (permission === 'pull' || permission === 'push-pull') && { permission }),
  }
}

/**
 * The order of `TracingChannel.tracePromise`, published by hand: `tracePromise` would put the
 * result (credentials with their password) and the raw error (whose `cause` may hold SDK request
 * details) on the event.
 */
function publish(event: OperationEvent, call: () => unknown): unknown {
  const { start, end, asyncStart, asyncEnd, error } = operations
  const failed = (err: unknown): void => {
    describeFailure(event, err)
    error.publish(event)
  }
  return start.runStores(event, () => {
    try {
      return Promise.resolve(call()).then(
        (result) => {
          asyncStart.publish(event)
          asyncEnd.publish(event)
          return result
        },
        (err: unknown) => {
          failed(err)
          asyncStart.publish(event)
          asyncEnd.publish(event)
          throw err
        },
      )
    } catch (err) {
      failed(err)
      throw err
    } finally {
      end.publish(event)
    }
  })
}

function describeFailure(event: OperationEvent, err: unknown): void {
  event.errorName = err instanceof Error ? err.name : typeof err
  if (isArtifactRegistryError(err)) {
    event.errorCode = err.code
    event.errorMessage = err.message
  }
}

/** Whether the proxy may answer a wrapper for `key`: never for a frozen own method (a Proxy invariant). */
function replaceable(target: object, key: PropertyKey): boolean {
  const own = Reflect.getOwnPropertyDescriptor(target, key)
  return own === undefined || own.configurable === true || own.writable === true
}
