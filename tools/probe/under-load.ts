import { type OtherClient, sampleLatencyApart } from './latency.js'
import type { ServerProcess } from './server-process.js'

/** Run a load while sampling the server's memory and the other clients' latency. */
export async function underLoad<T>(
  server: ServerProcess,
  other: OtherClient,
  load: () => Promise<T>,
): Promise<{ result: T; peakRss: number; latency: number[] }> {
  await server.resetPeak().catch(() => {})
  let sampled = await server.rss()
  const memory = setInterval(() => {
    server.rss().then(
      (rss) => {
        sampled = Math.max(sampled, rss)
      },
      () => {},
    )
  }, 100)
  const sampler = sampleLatencyApart(other)
  // The samplers stop whether the load succeeds or throws.
  const outcome = await load().then(
    (result) => ({ ok: true as const, result }),
    (error: unknown) => ({ ok: false as const, error }),
  )
  clearInterval(memory)
  const latency = await sampler.stop()
  if (!outcome.ok) throw outcome.error
  const { result } = outcome
  const peakRss = Math.max(sampled, await server.peakRss().catch(() => 0))
  return { result, peakRss, latency }
}

/** The statuses in a count of outcomes (`{ "408": 3, closed: 1 }` → three 408s). */
export function statusesOf(outcomes: Record<string, number>): number[] {
  return Object.entries(outcomes).flatMap(([key, n]) =>
    /^\d{3}$/.test(key) ? Array.from({ length: n }, () => Number(key)) : [],
  )
}
