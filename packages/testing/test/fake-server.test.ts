import { describe, expect, it } from 'vitest'
import { startFakeServer } from '../src/fakes/index.js'

describe('startFakeServer', () => {
  it('routes, logs and injects faults for a number of requests', async () => {
    await using fake = await startFakeServer({
      name: 'echo',
      operationOf: (r) => r.url.pathname.slice(1),
      route: (r) => ({ status: 200, body: { op: r.url.pathname, got: r.body } }),
    })
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    fake.inject(
      'ping',
      { status: 429, headers: { 'retry-after': '1' }, body: 'slow down' },
      { times: 2 },
    )
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${fake.url}/ping`, { method: 'POST', body: `n=${i}` })
      statuses.push(res.status)
      if (res.status === 429) expect(res.headers.get('retry-after')).toBe('1')
      else expect(await res.json()).toEqual({ op: '/ping', got: 'n=2' })
    }
    expect(statuses).toEqual([429, 429, 200])
    expect(fake.requestsFor('ping').map((r) => r.body)).toEqual(['n=0', 'n=1', 'n=2'])
    fake.reset()
    expect(fake.requests).toHaveLength(0)
  })

  it('answers 500 with the fake name when a route throws', async () => {
    await using fake = await startFakeServer({
      name: 'broken',
      operationOf: () => 'op',
      route: () => {
        throw new Error('boom')
      },
    })
    const res = await fetch(fake.url)
    expect(res.status).toBe(500)
    expect(await res.text()).toContain('[broken]')
  })
})

describe('startFakeServer: streamed routes', () => {
  it('hands streamed requests over unread, logs them without a body, and injects into them', async () => {
    const routed: string[] = []
    await using fake = await startFakeServer({
      name: 'streamer',
      operationOf: () => 'buffered',
      route: (r) => {
        routed.push(r.url.pathname)
        return { status: 200, body: 'buffered' }
      },
      streamed: {
        operationOf: (method, url) =>
          url.pathname.startsWith('/blob') ? `blob.${method}` : undefined,
        handle: async (req, res) => {
          // The body is still unread: the route pipes it back as it arrives.
          res.writeHead(200, { 'content-type': 'application/octet-stream' })
          req.pipe(res)
        },
      },
    })
    const body = Buffer.alloc(3 * 1024 * 1024, 7)
    const echoed = await fetch(`${fake.url}/blob/a`, { method: 'PUT', body })
    expect(Buffer.from(await echoed.arrayBuffer()).equals(body)).toBe(true)
    expect(await (await fetch(`${fake.url}/other`)).text()).toBe('buffered')
    expect(routed).toEqual(['/other'])
    expect(fake.requestsFor('blob.PUT')).toMatchObject([{ url: '/blob/a', body: '' }])
    fake.inject('blob.PUT', { status: 503, body: 'busy' })
    const refused = await fetch(`${fake.url}/blob/b`, { method: 'PUT', body: 'x' })
    expect([refused.status, await refused.text()]).toEqual([503, 'busy'])
  })
})

describe('startFakeServer: inject', () => {
  const echo = () =>
    startFakeServer({
      name: 'echo',
      operationOf: (r) => r.url.pathname.slice(1),
      route: () => ({ status: 200, body: 'routed' }),
    })

  it('runs a before action, then the real route, in the order injections were made', async () => {
    await using fake = await echo()
    const seen: string[] = []
    fake.inject('op', { before: () => void seen.push('first') })
    fake.inject('op', { status: 503, body: 'down' })
    fake.inject('op', { before: async () => void seen.push('third') }, { times: 2 })
    const bodies: string[] = []
    for (let i = 0; i < 5; i++) bodies.push(await (await fetch(`${fake.url}/op`)).text())
    expect(bodies).toEqual(['routed', 'down', 'routed', 'routed', 'routed'])
    expect(seen).toEqual(['first', 'third', 'third'])
  })

  it('answers every request with times: Infinity, until reset', async () => {
    await using fake = await echo()
    fake.inject('op', { status: 429 }, { times: Number.POSITIVE_INFINITY })
    for (let i = 0; i < 3; i++) expect((await fetch(`${fake.url}/op`)).status).toBe(429)
    fake.reset()
    expect((await fetch(`${fake.url}/op`)).status).toBe(200)
  })

  it('answers 500 with the fake name when a before action throws', async () => {
    await using fake = await echo()
    fake.inject('op', {
      before: () => {
        throw new Error('boom')
      },
    })
    const res = await fetch(`${fake.url}/op`)
    expect(res.status).toBe(500)
    expect(await res.text()).toContain('[echo] Error: boom')
  })

  it('refuses what it cannot inject with a TypeError naming the fake', async () => {
    await using fake = await echo()
    expect(fake.name).toBe('echo')
    const inject = fake.inject as (op: string, answer: unknown, options?: unknown) => void
    expect(() => inject('op', { status: 500 }, 2)).toThrow(
      new TypeError('[echo] the options of inject are { times }, got 2'),
    )
    for (const times of [0, -1, 1.5, Number.NaN]) {
      expect(() => inject('op', { status: 500 }, { times })).toThrow(
        new TypeError(`[echo] times must be a positive integer or Infinity, got ${times}`),
      )
    }
    for (const answer of [undefined, 'throttling', { body: 'no status' }, { before: 'no fn' }]) {
      expect(() => inject('op', answer)).toThrow(/^\[echo\] inject takes a response/)
    }
    expect((await fetch(`${fake.url}/op`)).status).toBe(200)
  })
})
