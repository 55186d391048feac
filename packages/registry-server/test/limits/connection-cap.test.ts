import { once } from 'node:events'
import type { Socket } from 'node:net'
import { askOnNewConnection } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { startLocalRegistry, startTokenService } from '../../src/index.js'
import type { LogEvent } from '../../src/log.js'

// A client that opens connections and sends nothing on them held a file descriptor and memory
// per connection until a timeout ended it: opened faster than they time out, they took every
// descriptor the process had. Past `maxConnections` a connection is closed as soon as it comes.

const admin = { username: 'admin', password: 'cap-admin-password' }
const REFUSED = 'connections refused: the server holds the most it may (maxConnections)'

/** A connection the server has taken: it answered a request on it, and it stays open. */
async function heldConnection(url: string): Promise<Socket> {
  const { socket, statusLine } = await askOnNewConnection(url)
  expect(statusLine).toMatch(/^HTTP\/1\.1 \d{3} /)
  return socket
}

/** Send `request` and resolve with what came back before the first pause, or '' when closed. */
function exchange(socket: Socket, request: string): Promise<string> {
  return new Promise((resolve) => {
    let received = ''
    const done = (): void => {
      socket.off('data', onData)
      resolve(received)
    }
    const onData = (chunk: Buffer): void => {
      received += chunk.toString('latin1')
      if (received.includes('\r\n\r\n')) done()
    }
    socket.on('data', onData)
    socket.once('close', done)
    socket.write(request)
  })
}

/** A connection past the cap: closed by the server with nothing sent back. */
async function expectRefused(url: string): Promise<void> {
  const { socket, statusLine } = await askOnNewConnection(url)
  socket.destroy() // when it was answered after all
  expect(statusLine).toBe('')
}

describe('maxConnections', () => {
  it('closes a connection past the cap at once, serves those open, and takes one again once one closes', async () => {
    const events: LogEvent[] = []
    await using registry = await startLocalRegistry({
      maxConnections: 3,
      logger: (event) => events.push(event),
    })
    const held = [
      await heldConnection(registry.url),
      await heldConnection(registry.url),
      await heldConnection(registry.url),
    ]
    try {
      await expectRefused(registry.url)
      await expectRefused(registry.url)
      // The connections already open are served as before.
      for (const socket of held)
        expect(await exchange(socket, 'GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(
          /^HTTP\/1\.1 200 /,
        )
      // One refusal logged at once; the next within 10 s only counted, not logged.
      expect(events.filter((e) => e.msg === REFUSED)).toEqual([
        { level: 'error', msg: REFUSED, maxConnections: 3, refused: 1 },
      ])
      // A slot frees when a connection closes.
      const leaving = held.pop() as Socket
      const left = once(leaving, 'close')
      leaving.end()
      await left
      await expect
        .poll(async () => {
          const { socket, statusLine } = await askOnNewConnection(registry.url)
          socket.destroy()
          return statusLine
        })
        .toBe('HTTP/1.1 200 OK')
    } finally {
      for (const socket of held) socket.destroy()
    }
  })

  it('caps the standalone token service too', async () => {
    await using tokens = await startTokenService({ admin, maxConnections: 1, logLevel: 'silent' })
    const held = await heldConnection(tokens.url)
    try {
      await expectRefused(tokens.url)
    } finally {
      held.destroy()
    }
  })

  it.each([0, -1, 1.5, Number.NaN])('%s is a TypeError', async (maxConnections) => {
    await expect(startLocalRegistry({ maxConnections })).rejects.toThrow(
      new TypeError('maxConnections must be an integer ≥ 1'),
    )
    await expect(startTokenService({ admin, maxConnections })).rejects.toThrow(
      new TypeError('maxConnections must be an integer ≥ 1'),
    )
  })
})
