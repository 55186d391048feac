/** Code of every {@link NetworkGuardError}. */
export const NETWORK_GUARD_CODE = 'ERR_TEST_NETWORK_GUARD'

const REASON = '(tests only talk to 127.0.0.1)'

/** What the test network guard throws instead of letting traffic leave the machine. */
export class NetworkGuardError extends Error {
  readonly code: string = NETWORK_GUARD_CODE

  constructor(message: string) {
    super(`test network guard: ${message} ${REASON}`)
    this.name = 'NetworkGuardError'
  }
}

/** A refused TCP connection; IPv6 literals are bracketed so the port stays readable. */
export function refusedConnection(host: string, port: unknown): NetworkGuardError {
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
  return new NetworkGuardError(`refused connection to ${shown}:${String(port)}`)
}

/** A refused name or address lookup. */
export function refusedLookup(method: string, target: unknown): NetworkGuardError {
  return new NetworkGuardError(`refused DNS ${method} of ${String(target)}`)
}

/** A refused query that would go to a DNS server off this machine. */
export function refusedServer(method: string, target: unknown, server: string): NetworkGuardError {
  return new NetworkGuardError(`refused DNS ${method} of ${String(target)} sent to ${server}`)
}
