import { syncBuiltinESMExports } from 'node:module'
import { guardDns } from './guard-dns.js'
import { guardSockets } from './guard-sockets.js'

/**
 * Refuse, in this process, every DNS lookup and TCP connection that could leave the machine
 * (see `guardDns` and `guardSockets`). Child processes (docker, skopeo) are not affected; the
 * data plane group checks its registry's host itself before it starts skopeo.
 */
export function installNetworkGuard(): void {
  guardDns()
  guardSockets()
  // `import { lookup } from 'node:dns'` reads a copy of the export: refresh it.
  syncBuiltinESMExports()
}
