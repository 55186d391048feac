import { readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { unusedPort } from '../src/index.js'

describe('unusedPort', () => {
  it('gives ports below the ephemeral range that can be listened on', async () => {
    const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
    const ephemeralStart = Number(range.trim().split(/\s+/)[0])
    const ports = await Promise.all(Array.from({ length: 20 }, () => unusedPort()))
    // (A host whose ephemeral range starts at 20000 or below has no such ports.)
    if (ephemeralStart > 20_001) {
      for (const port of ports) {
        expect(port).toBeGreaterThanOrEqual(20_000)
        expect(port).toBeLessThan(ephemeralStart)
      }
    }
    // Chosen at random: twenty draws from thousands of ports are not all the same.
    expect(new Set(ports).size).toBeGreaterThan(1)
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(ports[0], '127.0.0.1', resolve)
    })
    await new Promise((resolve) => server.close(resolve))
  })
})
