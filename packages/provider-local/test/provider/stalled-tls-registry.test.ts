import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { createTestPki } from '@artifact-registry/test-kit'
import { afterAll, describe, expect, it } from 'vitest'
import { mapError } from '../../src/map-error.js'
import { fetchTrusting } from '../../src/trusting-fetch.js'
import { namingUnreachable } from '../../src/unreachable.js'

// Calls to a registry whose certificate comes from a private CA (`caCertificate`, or the embedded
// registry's `tls`) go through fetchTrusting instead of the global fetch. The global fetch gives
// up on a server that stops answering (no headers, or a body that stops coming, for 300 s), and
// the call fails TIMEOUT; fetchTrusting waited for ever, so a registry that hung (a proxy whose
// upstream stalled, a stopped process whose port stays open) hung every call of the provider.

const pki = await createTestPki()
const servers: Server[] = []
afterAll(() => {
  for (const server of servers) server.closeAllConnections()
  return Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
})

/** An HTTPS server on 127.0.0.1 that answers every request with `answer`. */
async function serving(answer: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer({ cert: pki.certPem, key: pki.keyPem }, answer)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function failureOf(url: string): Promise<unknown> {
  const transport = fetchTrusting([pki.caPem], { idleTimeoutMs: 300 })
  try {
    const res = await namingUnreachable(transport.fetch)(`${url}/v2/`)
    return await res.text().then(() => undefined)
  } catch (error) {
    return error
  } finally {
    transport.close()
  }
}

describe('fetchTrusting and a registry that stops answering', () => {
  it('gives up on a request that gets no answer: TIMEOUT naming the registry', async () => {
    const url = await serving(() => {
      // Never answered.
    })
    const error = mapError(await failureOf(url), { operation: 'getRepository' })
    expect(error).toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining(url) })
  }, 10_000)

  it('gives up on a body that stops coming', async () => {
    const url = await serving((_, res) => {
      res.writeHead(200, { 'content-length': '100' })
      res.write('{"partial": ')
    })
    const error = mapError(await failureOf(url), { operation: 'getRepository' })
    expect(error).toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining(url) })
  }, 10_000)
})
