import { BlockList, isIP, Socket } from 'node:net'

// The mark this repository's test network guard puts on `Socket.prototype.connect` once every
// TCP destination off this machine is refused in the process (the guard names it the same way).
const NETWORK_GUARD = Symbol.for('artifact-registry.test-network-guard')

const LOOPBACK = new BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addAddress('::1', 'ipv6')

/**
 * Refuse, under the test network guard, a registry host off this machine before a client is
 * started in a child process to reach it: the guard covers this process only, and a fake that
 * handed out a real registry's host (or a provider that ignored the fake's) would otherwise send
 * a test's credentials to a real cloud. Without the guard (a live lane) every host is allowed.
 *
 * @param registry `host[:port]`, as credentials name it
 * @throws Error naming the host
 */
export function refuseOffMachineUnderGuard(registry: string): void {
  if (!(NETWORK_GUARD in Socket.prototype.connect)) return
  const host = new URL(`tcp://${registry}`).hostname.replace(/^\[|\]$/g, '')
  const family = isIP(host)
  const loopback =
    host === 'localhost' || (family !== 0 && LOOPBACK.check(host, family === 4 ? 'ipv4' : 'ipv6'))
  if (!loopback) {
    throw new Error(
      `the registry ${registry} is not on this machine: under the test network guard, the data plane group does not start a client that would reach it`,
    )
  }
}
