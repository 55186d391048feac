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
