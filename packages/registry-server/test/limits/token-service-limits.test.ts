import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type LocalRegistry,
  startLocalRegistry,
  startTokenService,
  type TokenService,
} from '../../src/index.js'
import { errorCode, openRequest } from './raw-http.js'

// The standalone token service faces the same clients as the registry's own token realm: a body
// that stops, headers that never end, pipelined requests. It keeps the same limits.

const TIMEOUT_SECONDS = 0.5
const TIMEOUT_MS = TIMEOUT_SECONDS * 1000
const admin = { username: 'admin', password: 'limits-admin-password' }
const limits = {
  headersTimeoutSeconds: TIMEOUT_SECONDS,
  bodyTimeoutSeconds: TIMEOUT_SECONDS,
  sendTimeoutSeconds: TIMEOUT_SECONDS,
  logLevel: 'silent',
} as const

let registry: LocalRegistry
let tokens: TokenService
beforeAll(async () => {
  registry = await startLocalRegistry({ adminCredentials: admin, ...limits })
  tokens = await startTokenService({ admin, ...limits })
})
afterAll(async () => {
  await registry.close()
  await tokens.close()
})

const servers = [
  ['the registry', () => registry.url],
  ['the standalone token service', () => tokens.url],
] as const

describe.each(servers)('%s', (_, urlOf) => {
  it('answers a token request whose body stops arriving with 408 and closes it', async () => {
    const request = openRequest(urlOf(), {
      method: 'POST',
      path: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': 60_000 },
    })
    request.request.write(randomBytes(10))
    const response = await request.response
    expect(response.status, response.text).toBe(408)
    expect(errorCode(response)).toBe('REQUEST_TIMEOUT')
    expect(await request.closed).toBeLessThan(TIMEOUT_MS * 3 + 1000)
  })

  it('closes a connection whose headers never end', async () => {
    const { hostname, port } = new URL(urlOf())
    const socket = connect(Number(port), hostname)
    socket.on('error', () => {})
    socket.write('GET /token HTTP/1.1\r\nHost: x\r\n')
    const started = performance.now()
    const answer = await new Promise<string>((resolve) => {
      let text = ''
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1')
      })
      socket.on('close', () => resolve(text))
    })
    expect(answer).toMatch(/^HTTP\/1\.1 408 /)
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS * 3 + 2000)
  })
})
