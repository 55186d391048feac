import { BlockList, isIP } from 'node:net'

// 127.0.0.0/8 and ::1; BlockList also matches their IPv4-mapped IPv6 forms (::ffff:127.0.0.1).
const LOOPBACK = new BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addAddress('::1', 'ipv6')

/**
 * Whether a host names this machine without asking anybody: `localhost` (answered from the
 * hosts file) or a literal loopback address. Brackets around an IPv6 literal are accepted.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
  if (bare.toLowerCase() === 'localhost') return true
  return isLoopbackAddress(bare)
}

/** Whether a literal IP address is a loopback address (a name is never one). */
export function isLoopbackAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 0) return false
  return LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6')
}

/**
 * Whether a DNS server, as `dns.getServers()` lists it (`10.0.0.2`, `10.0.0.2:5353`, `::1`,
 * `[::1]:5353`), is on this machine.
 */
export function isLoopbackServer(server: string): boolean {
  if (server.startsWith('[')) return isLoopbackAddress(server.slice(1, server.indexOf(']')))
  if (isIP(server) !== 0) return isLoopbackAddress(server)
  return isLoopbackAddress(server.slice(0, server.lastIndexOf(':')))
}
