import { createPrivateKey, X509Certificate } from 'node:crypto'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { connect, createServer, type TLSSocket } from 'node:tls'
import { describe, expect, it } from 'vitest'
import { createSelfSigned, createTestPki } from '../src/index.js'

describe('createTestPki', () => {
  it('issues a CA and a server certificate for 127.0.0.1 and localhost, signed by it', async () => {
    const pki = await createTestPki()
    const ca = new X509Certificate(pki.caPem)
    const server = new X509Certificate(pki.certPem)
    expect(ca.ca).toBe(true)
    expect(server.ca).toBe(false)
    expect(server.verify(ca.publicKey)).toBe(true)
    expect(server.checkIssued(ca)).toBe(true)
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1')
    expect(server.checkHost('localhost')).toBe('localhost')
    expect(server.checkPrivateKey(createPrivateKey(pki.keyPem))).toBe(true)
  })

  it('names the hosts it is given, and only them', async () => {
    const server = new X509Certificate((await createTestPki(['registry.example'])).certPem)
    expect(server.checkHost('registry.example')).toBe('registry.example')
    expect(server.checkIP('127.0.0.1')).toBeUndefined()
  })

  it('serves TLS to a client that trusts the CA, and to no other', async () => {
    const pki = await createTestPki()
    const other = await createTestPki()
    await using server = await tlsServer(pki.certPem, pki.keyPem)
    expect(await handshake(server.port, pki.caPem)).toBe('ok')
    expect(await handshake(server.port, other.caPem)).toMatch(/certificate|signature/i)
  })
})

describe('createSelfSigned', () => {
  it('is a server certificate that vouches for itself', async () => {
    const { cert, key } = await createSelfSigned()
    const certificate = new X509Certificate(cert)
    expect(certificate.verify(certificate.publicKey)).toBe(true)
    expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1')
    await using server = await tlsServer(cert, key)
    expect(await handshake(server.port, cert)).toBe('ok')
  })
})

// --- internal ---

async function tlsServer(cert: string, key: string) {
  const server = createServer({ cert, key }, (socket) => socket.end())
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  return { port: (server.address() as AddressInfo).port, [Symbol.asyncDispose]: close }
}

/** `ok`, or why the client refused the server's certificate. */
function handshake(port: number, ca: string): Promise<string> {
  return new Promise((resolve) => {
    const socket: TLSSocket = connect({ host: '127.0.0.1', port, ca }, () => {
      socket.destroy()
      resolve('ok')
    })
    socket.once('error', (error) => resolve(error.message))
  })
}
