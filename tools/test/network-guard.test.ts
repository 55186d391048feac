import { createSocket } from 'node:dgram'
import dns from 'node:dns'
import { lookup as importedLookup } from 'node:dns/promises'
import { mkdtemp, rm } from 'node:fs/promises'
import { type AddressInfo, connect, createServer, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { workspaceProject } from '../../vitest.shared.js'
import { tcpDestinationOf } from '../network-guard/guard-sockets.js'
import { installNetworkGuard } from '../network-guard/install.js'
import { isLoopbackHost, isLoopbackServer } from '../network-guard/loopback.js'
import { NETWORK_GUARD_CODE } from '../network-guard/refusal.js'

// These tests run with the guard the shared vitest config installs: nothing is stubbed, every
// refusal below is the one any test in the repository would meet.

const refusal = (target: string): RegExp =>
  new RegExp(`^test network guard: refused ${target} \\(tests only talk to 127\\.0\\.0\\.1\\)$`)

/** The error a call throws synchronously (the guard refuses before anything is sent). */
function thrownBy(call: () => unknown): unknown {
  try {
    call()
  } catch (err) {
    return err
  }
  throw new Error('expected a synchronous throw')
}

describe('connections', () => {
  it('fetch to a cloud endpoint fails with the refusal, before any lookup', async () => {
    const lookup = vi.spyOn(dns, 'lookup')
    try {
      const err = await fetch('https://sts.amazonaws.com').catch((e: unknown) => e)
      expect(err).toBeInstanceOf(TypeError)
      expect((err as Error).cause).toMatchObject({
        code: NETWORK_GUARD_CODE,
        message: expect.stringMatching(refusal('connection to sts.amazonaws.com:443')),
      })
      expect(lookup).not.toHaveBeenCalled()
    } finally {
      lookup.mockRestore()
    }
  })

  it('net.connect to a private address throws at once, leaving the socket unconnected', () => {
    const socket = new Socket()
    const err = thrownBy(() => socket.connect(443, '10.0.0.1'))
    expect(err).toMatchObject({
      message: expect.stringMatching(refusal('connection to 10.0.0.1:443')),
    })
    expect(socket.connecting).toBe(false)
    expect(thrownBy(() => connect({ host: '10.0.0.1', port: 80 }))).toMatchObject({
      message: expect.stringMatching(refusal('connection to 10.0.0.1:80')),
    })
    expect(thrownBy(() => connect({ host: '::ffff:10.0.0.1', port: 80 }))).toMatchObject({
      message: expect.stringMatching(refusal('connection to \\[::ffff:10.0.0.1\\]:80')),
    })
  })

  it('lets connections to 127.0.0.1, localhost and UNIX sockets through', async () => {
    const server = createServer((socket) => socket.end('hello'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const dir = await mkdtemp(join(tmpdir(), 'network-guard-'))
    const unixServer = createServer((socket) => socket.end('unix'))
    const path = join(dir, 'guard.sock')
    await new Promise<void>((resolve) => unixServer.listen(path, resolve))
    try {
      expect(await read({ host: '127.0.0.1', port })).toBe('hello')
      expect(await read({ host: 'localhost', port, family: 4 })).toBe('hello')
      expect(await read({ path })).toBe('unix')
    } finally {
      server.close()
      unixServer.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('DNS', () => {
  it('refuses a lookup of example.com in the callback and promises APIs', async () => {
    const viaCallback = await new Promise<Error | null>((resolve) =>
      dns.lookup('example.com', (err) => resolve(err)),
    )
    expect(viaCallback).toMatchObject({
      code: NETWORK_GUARD_CODE,
      message: expect.stringMatching(refusal('DNS lookup of example.com')),
    })
    await expect(importedLookup('example.com')).rejects.toThrow(
      refusal('DNS lookup of example.com'),
    )
    await expect(new dns.promises.Resolver().resolve4('example.com')).rejects.toThrow(
      refusal('DNS resolve4 of example.com'),
    )
    const viaResolver = await new Promise<Error | null>((resolve) =>
      new dns.Resolver().resolveTxt('example.com', (err) => resolve(err)),
    )
    expect(viaResolver?.message).toMatch(refusal('DNS resolveTxt of example.com'))
  })

  it('looks up localhost and loopback literals', async () => {
    expect(await dns.promises.lookup('localhost', { family: 4 })).toEqual({
      address: '127.0.0.1',
      family: 4,
    })
    expect(await dns.promises.lookup('127.0.0.1')).toEqual({ address: '127.0.0.1', family: 4 })
  })

  it('queries a DNS server only when it is on this machine', async () => {
    const remote = new dns.promises.Resolver()
    remote.setServers(['10.0.0.53'])
    await expect(remote.resolve4('localhost')).rejects.toThrow(
      refusal('DNS resolve4 of localhost sent to 10.0.0.53'),
    )

    const trap = createSocket('udp4')
    await new Promise<void>((resolve) => trap.bind(0, '127.0.0.1', resolve))
    const query = new Promise<Buffer>((resolve) => trap.once('message', resolve))
    const local = new dns.Resolver({ timeout: 200, tries: 1 })
    local.setServers([`127.0.0.1:${trap.address().port}`])
    local.resolve4('localhost', () => {})
    try {
      expect((await query).length).toBeGreaterThan(0)
    } finally {
      local.cancel()
      trap.close()
    }
  })
})

describe('the guard', () => {
  it('is every workspace project’s first setup file, ahead of the project’s own', () => {
    const setupFiles = workspaceProject('x', { setupFiles: ['own-setup.ts'] }).test?.setupFiles
    expect(setupFiles).toEqual([
      expect.stringMatching(/tools\/test-network-guard\.ts$/),
      'own-setup.ts',
    ])
  })

  it('wraps once however often it is installed', () => {
    const connectBefore = Socket.prototype.connect
    const lookupBefore = dns.lookup
    installNetworkGuard()
    expect(Socket.prototype.connect).toBe(connectBefore)
    expect(dns.lookup).toBe(lookupBefore)
  })

  it.each([
    [[443, 'example.com'], { host: 'example.com', port: 443 }],
    [['443'], { host: 'localhost', port: '443' }],
    [[{ port: 80 }], { host: 'localhost', port: 80 }],
    [[[{ host: '10.1.2.3', port: 22 }, () => {}]], { host: '10.1.2.3', port: 22 }],
    [['/var/run/docker.sock'], undefined],
    [[{ path: '/var/run/docker.sock' }], undefined],
  ])('reads connect(%j) as %j', (args, destination) => {
    expect(tcpDestinationOf(args)).toEqual(destination)
  })

  it.each([
    ['localhost', true],
    ['LOCALHOST', true],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['169.254.169.254', false],
    ['localhost.example.com', false],
    ['', false],
  ])('host %j is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback)
  })

  it.each([
    ['127.0.0.53', true],
    ['127.0.0.1:5353', true],
    ['::1', true],
    ['[::1]:5353', true],
    ['10.255.255.53', false],
    ['8.8.8.8:53', false],
    ['[2001:4860:4860::8888]:53', false],
  ])('DNS server %j is loopback: %s', (server, loopback) => {
    expect(isLoopbackServer(server)).toBe(loopback)
  })
})

// --- Helpers ---

function read(
  options: { host: string; port: number; family?: number } | { path: string },
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = connect(options)
    let text = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      text += chunk
    })
    socket.on('end', () => resolve(text))
    socket.on('error', reject)
  })
}
