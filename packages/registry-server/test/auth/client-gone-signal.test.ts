import { request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { type AuthorizeInput, startLocalRegistry } from '../../src/index.js'

// The registry tells its authorizer when a request's client has gone (`signal`), so a slow check
// (the admin's password hash, waiting its turn) is not made for no one.

/** Sends `GET /v2/` and destroys the connection after `ms` without waiting for an answer. */
function getAndLeave(url: string, ms: number): void {
  const req = request(new URL('/v2/', url), { agent: false, headers: { authorization: 'x' } })
  req.on('error', () => {})
  req.end()
  setTimeout(() => req.destroy(), ms)
}

describe("the authorizer's signal", () => {
  it('aborts when the client goes away while its request is being authorized', async () => {
    let seen: AbortSignal | undefined
    await using registry = await startLocalRegistry({
      logLevel: 'silent',
      authorize: async ({ signal }: AuthorizeInput) => {
        seen = signal
        // A check that takes until its client has gone, 5 s at most.
        await Promise.race([
          new Promise((resolve) => signal?.addEventListener('abort', resolve)),
          sleep(5000),
        ])
        return { ok: false, reason: 'denied' }
      },
    })
    getAndLeave(registry.url, 100)
    for (let waited = 0; seen?.aborted !== true && waited < 3000; waited += 50) await sleep(50)
    expect(seen?.aborted).toBe(true)
  })

  it('does not abort for a request that is answered', async () => {
    const signals: AbortSignal[] = []
    await using registry = await startLocalRegistry({
      logLevel: 'silent',
      authorize: async ({ signal }: AuthorizeInput) => {
        if (signal !== undefined) signals.push(signal)
        return { ok: true, subject: 'anyone' }
      },
    })
    const res = await fetch(new URL('/v2/', registry.url))
    expect(res.status).toBe(200)
    await sleep(100)
    expect(signals.length).toBeGreaterThan(0)
    expect(signals.some((signal) => signal.aborted)).toBe(false)
  })
})
