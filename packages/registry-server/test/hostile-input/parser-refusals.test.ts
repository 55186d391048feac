import { describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { rawExchange } from './raw-exchange.js'
import { useRegistryAndTokenService } from './servers.js'

// Requests Node's HTTP parser refuses before any handler runs still get an OCI error body, from
// the registry and from the token service alike.
const ADMIN = { username: 'admin', password: 'parser-refusals-admin-secret' }

const servers = useRegistryAndTokenService(ADMIN)

const HUGE_HEADER = `GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(100_000)}\r\n\r\n`
const GARBAGE = 'NOT AN HTTP REQUEST\r\n\r\n'

describe.each([
  ['the registry', () => servers.registry.url],
  ['the token service', () => servers.tokens.url],
])('%s', (_, url) => {
  it('answers 100 KB of headers with 431 SIZE_INVALID and an OCI error body', async () => {
    const answer = await rawExchange(url(), HUGE_HEADER)
    expect(answer.status).toBe(431)
    expect(answer.headers.get('content-type')).toBe('application/json')
    expect(answer.headers.get('connection')).toBe('close')
    expect(Number(answer.headers.get('content-length'))).toBe(Buffer.byteLength(answer.body))
    expect(JSON.parse(answer.body)).toEqual({
      errors: [
        { code: 'SIZE_INVALID', message: 'the request headers are too large', detail: null },
      ],
    })
    // Only that connection was refused.
    const next = await fetch(`${url()}/no-such-path`)
    await next.body?.cancel()
    expect(next.status).toBe(404)
  })

  it('answers a request line that is not HTTP with 400 and an OCI error body', async () => {
    const answer = await rawExchange(url(), GARBAGE)
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.body)).toEqual({
      errors: [{ code: 'UNSUPPORTED', message: 'malformed HTTP request', detail: null }],
    })
  })
})

describe('headers that stop arriving', () => {
  it('are answered 408 REQUEST_TIMEOUT with an OCI error body after the headers timeout', async () => {
    await using impatient = await startLocalRegistry({
      headersTimeoutSeconds: 0.3,
      logLevel: 'silent',
    })
    const answer = await rawExchange(impatient.url, 'GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    expect(answer.status).toBe(408)
    expect(JSON.parse(answer.body)).toEqual({
      errors: [
        {
          code: 'REQUEST_TIMEOUT',
          message: 'the request headers did not arrive in time',
          detail: null,
        },
      ],
    })
  })
})
