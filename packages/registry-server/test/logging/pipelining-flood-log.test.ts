import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { MAX_WAITING_PER_CONNECTION } from '../../src/connection-turns.js'
import { type LogEvent, startLocalRegistry } from '../../src/index.js'
import { sleep } from '../limits/raw-http.js'

// A request pipelined past the cap is refused (503) because its client sent too much, not because
// the server failed. Logged as a failure, each cost an error line at the default level: one
// connection writing 1,000 `GET /v2/` (35 KB) left some 970 lines (150 KB) in the log, an
// unauthenticated flood wrote the server's log several times faster than it sent, and the
// operator's error log filled with faults that were none.

const REQUESTS = 1000
const REQUEST = 'GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'

/** Writes `REQUESTS` pipelined requests on one connection; resolves once it is closed. */
function flood(url: string): Promise<void> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => socket.write(REQUEST.repeat(REQUESTS)))
    socket.on('error', () => {})
    socket.on('close', () => resolve())
    socket.resume()
  })
}

describe('requests pipelined past the cap', () => {
  it('are no failure of the server: nothing at the default level, info lines at info', async () => {
    const errors: LogEvent[] = []
    const info: LogEvent[] = []
    await using quiet = await startLocalRegistry({ logger: (event) => errors.push(event) })
    await using chatty = await startLocalRegistry({
      logLevel: 'info',
      logger: (event) => info.push(event),
    })
    await flood(quiet.url)
    await flood(chatty.url)
    // Requests are logged as their responses close, which may follow the connection's a little.
    await sleep(200)

    expect(errors).toEqual([])
    const refused = info.filter((event) => event.status === 503)
    expect(refused.length).toBeGreaterThan(0)
    for (const event of refused)
      expect(event).toMatchObject({ level: 'info', msg: 'request', path: '/v2/' })
    expect(info.filter((event) => event.status === 200).length).toBeGreaterThanOrEqual(
      MAX_WAITING_PER_CONNECTION + 1,
    )
    expect(info.every((event) => event.level === 'info')).toBe(true)
  })
})
