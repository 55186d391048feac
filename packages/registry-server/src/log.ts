/**
 * How much a server logs: `silent` nothing; `error` (default) failed requests (5xx) with their
 * cause and background failures; `info` also one line per request; `debug` also more per request.
 */
export type LogLevel = 'silent' | 'error' | 'info' | 'debug'

/** The levels a server accepts, least verbose first. */
export const LOG_LEVELS: readonly LogLevel[] = ['silent', 'error', 'info', 'debug']

/** One log event: its level, a fixed message naming the event, and its fields. */
export interface LogEvent {
  level: Exclude<LogLevel, 'silent'>
  msg: string
  [field: string]: unknown
}

/** Where events go. The default writes each as one JSON line to stderr. */
export type LogSink = (event: LogEvent) => void

/** A leveled logger over a {@link LogSink}. */
export interface Log {
  /** Whether events of `level` are written. */
  enabled(level: LogEvent['level']): boolean
  write(event: LogEvent): void
}

/** The default sink: `{"time":…,"level":…,"msg":…,…}` on stderr, one line per event. */
export const stderrJsonLines: LogSink = (event) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`)
}

/** A log writing events up to `level` to `sink`; a throwing sink never fails a request. */
export function createLog(level: LogLevel = 'error', sink: LogSink = stderrJsonLines): Log {
  if (!LOG_LEVELS.includes(level)) {
    throw new TypeError(`logLevel must be one of ${LOG_LEVELS.join(', ')}, got ${String(level)}`)
  }
  const threshold = LOG_LEVELS.indexOf(level)
  const enabled = (eventLevel: LogEvent['level']): boolean =>
    LOG_LEVELS.indexOf(eventLevel) <= threshold
  return {
    enabled,
    write: (event) => {
      if (!enabled(event.level)) return
      try {
        sink(event)
      } catch {
        // Logging is a side channel: a broken sink must not turn a served request into a failure.
      }
    },
  }
}

/** An error as log fields: name, message, code and stack, then its causes. */
export function errorFields(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) }
  const { code } = error as { code?: unknown }
  return {
    name: error.name,
    message: error.message,
    ...(code !== undefined && { code }),
    ...(error.stack && { stack: error.stack }),
    // A cause chain is short in practice; the bound only guards against a cycle.
    ...(error.cause !== undefined && depth < 4 && { cause: errorFields(error.cause, depth + 1) }),
  }
}
