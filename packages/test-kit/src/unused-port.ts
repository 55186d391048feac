import { readFile } from 'node:fs/promises'
import { type AddressInfo, createServer } from 'node:net'

// Above the ports services commonly use, below Linux's default ephemeral range.
const LOWEST = 20_000
const DEFAULT_EPHEMERAL_START = 32_768
const ATTEMPTS = 50

/**
 * A port of 127.0.0.1 that nothing listens on now, for a test that names a port before it is
 * bound: a process the test starts later, a registry restarted on a port it remembers, or a
 * port expected to refuse connections.
 *
 * Why not the port that listening on 0 gives: the kernel takes such ports from the ephemeral
 * range, which it also hands to every outgoing connection, so a port found free that way can
 * be taken by any connection made before the test binds it again. A port below the range is only
 * ever bound by someone who names it; these are chosen at random, and one already held is
 * skipped.
 */
export async function unusedPort(): Promise<number> {
  const highest = (await ephemeralStart()) - 1
  // A host whose ephemeral range starts low (some set 1024-65535) leaves no such ports: then a
  // port the kernel picks is the best there is.
  if (highest <= LOWEST) return anyFreePort()
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (highest - LOWEST + 1))
    if (await canListen(port)) return port
  }
  throw new Error(`no free port of 127.0.0.1 found in ${LOWEST}-${highest}`)
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

async function ephemeralStart(): Promise<number> {
  const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '')
  const start = Number.parseInt(range.trim().split(/\s+/)[0] ?? '', 10)
  return Number.isInteger(start) && start > 0 ? start : DEFAULT_EPHEMERAL_START
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}
