import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { createTestPki, type TestPki } from '@artifact-registry/test-kit'
import { beforeAll, describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'

// Over TLS, Node hands a connection to the HTTP server only once its handshake is done: until
// then neither `headersTimeoutSeconds` nor `closeAllConnections` reaches it. A client that opened
// TCP connections and never began the handshake held each for Node's own two minutes, each one a
// place under `maxConnections`, and `close()` waited for them all.

let pki: TestPki
beforeAll(async () => {
  pki = await createTestPki()
})

/** A TCP connection to `url` that never starts its TLS handshake; resolves once it is open. */
async function silentConnection(url: string): Promise<{ socket: Socket; closed: Promise<number> }> {
  const { port } = new URL(url)
  const socket = connect(Number(port), '127.0.0.1')
  socket.on('error', () => {})
  await once(socket, 'connect')
  const opened = Date.now()
  const closed = once(socket, 'close').then(() => Date.now() - opened)
  return { socket, closed }
}

describe('a TLS connection whose handshake never comes', () => {
  it('is closed once headersTimeoutSeconds pass, as a connection sending no headers is', async () => {
    await using registry = await startLocalRegistry({
      tls: { cert: pki.certPem, key: pki.keyPem },
      headersTimeoutSeconds: 1,
      logLevel: 'silent',
    })
    const { socket, closed } = await silentConnection(registry.url)
    try {
      const held = await Promise.race([closed, delay(10_000).then(() => Number.POSITIVE_INFINITY)])
      expect(held).toBeLessThan(5_000)
    } finally {
      socket.destroy()
    }
  }, 20_000)

  it('does not hold close() up', async () => {
    const registry = await startLocalRegistry({
      tls: { cert: pki.certPem, key: pki.keyPem },
      logLevel: 'silent',
    })
    const { socket, closed } = await silentConnection(registry.url)
    try {
      const started = Date.now()
      const closing = registry.close().then(() => Date.now() - started)
      const took = await Promise.race([closing, delay(10_000).then(() => Number.POSITIVE_INFINITY)])
      expect(took).toBeLessThan(5_000)
      await closed
    } finally {
      socket.destroy()
      await registry.close()
    }
  }, 20_000)
})

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}
