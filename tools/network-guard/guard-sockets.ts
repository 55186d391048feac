import { Socket } from 'node:net'
import { isLoopbackHost } from './loopback.js'
import { GUARDED, isGuarded } from './marker.js'
import { refusedConnection } from './refusal.js'

/** A TCP destination: where `Socket#connect` was asked to go. */
export interface TcpDestination {
  readonly host: string
  readonly port: unknown
}

type Connect = (this: Socket, ...args: unknown[]) => Socket

/**
 * Where a `Socket#connect(...args)` call goes, read as node does: `(options)`, `(port, host?)`,
 * `(path)`, or the `[options, callback]` pair `net.connect()` passes on. `undefined` for a UNIX
 * socket or pipe (a path), which never leaves the machine. The host defaults to `localhost`.
 */
export function tcpDestinationOf(args: readonly unknown[]): TcpDestination | undefined {
  const first: unknown = Array.isArray(args[0]) ? args[0][0] : args[0]
  if (typeof first === 'object' && first !== null) {
    const options = first as { path?: unknown; host?: unknown; port?: unknown }
    if (options.path) return undefined
    return { host: hostOrLocalhost(options.host), port: options.port }
  }
  // Node takes a string that is not a non-negative number for a path.
  if (typeof first === 'string' && !(Number(first) >= 0)) return undefined
  return { host: hostOrLocalhost(args[1]), port: first }
}

/**
 * Make `net.Socket.prototype.connect` throw a `NetworkGuardError` for any TCP destination other
 * than `localhost` or a loopback address, before any lookup or packet. Every TCP client in node
 * (`net`, `tls`, `http`, `https`, `http2`, the undici behind `fetch`, the cloud SDKs) connects
 * through it. Idempotent.
 */
export function guardSockets(): void {
  const original = Socket.prototype.connect as unknown as Connect
  if (isGuarded(original)) return
  const connect: Connect = function connect(this: Socket, ...args: unknown[]): Socket {
    const destination = tcpDestinationOf(args)
    if (destination !== undefined && !isLoopbackHost(destination.host)) {
      throw refusedConnection(destination.host, destination.port)
    }
    return original.apply(this, args)
  }
  Object.defineProperty(connect, GUARDED, { value: true })
  Socket.prototype.connect = connect as unknown as Socket['connect']
}

// --- Internal ---

function hostOrLocalhost(host: unknown): string {
  return typeof host === 'string' && host !== '' ? host : 'localhost'
}
