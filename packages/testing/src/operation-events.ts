import { tracingChannel } from 'node:diagnostics_channel'
import { OPERATION_CHANNEL, type OperationEvent } from '@artifact-registry/core'

/** The phases a tracing channel publishes, in the order Node names them. */
const PHASES = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const

/** One of the phases a provider's operation passes through on {@link OPERATION_CHANNEL}. */
export type OperationPhase = (typeof PHASES)[number]

/** One published event: its phase and a copy of the event as it was when published. */
export type RecordedOperationEvent = [phase: OperationPhase, event: OperationEvent]

/**
 * What {@link recordOperationEvents} returns: the events seen so far, and a way to stop listening.
 * Dispose it (`using events = recordOperationEvents()`) so one test's events never leak into the next.
 */
export interface OperationEventRecorder extends Disposable {
  /** Every event in the order it was published. */
  readonly all: readonly RecordedOperationEvent[]
  /** The event of each operation that has finished (resolved or rejected), in the order they finished. */
  settled(): OperationEvent[]
  /** Stop listening; the events recorded so far stay readable. */
  stop(): void
}

/**
 * Listen to every phase of {@link OPERATION_CHANNEL}, for a test that checks what a provider publishes:
 * which operations, with which arguments and error codes, and never a secret.
 * Each event is copied when published, since a later phase may add fields to the same object.
 */
export function recordOperationEvents(): OperationEventRecorder {
  const channel = tracingChannel<unknown, OperationEvent>(OPERATION_CHANNEL)
  const all: RecordedOperationEvent[] = []
  const handlers = {} as Record<OperationPhase, (event: OperationEvent) => void>
  for (const phase of PHASES) {
    handlers[phase] = (event) => {
      all.push([phase, { ...event }])
    }
  }
  channel.subscribe(handlers)
  const stop = (): void => channel.unsubscribe(handlers)
  return {
    all,
    settled: () => all.filter(([phase]) => phase === 'asyncEnd').map(([, event]) => event),
    stop,
    [Symbol.dispose]: stop,
  }
}
