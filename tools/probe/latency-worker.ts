// The other clients of `latency.ts`, on a thread of their own: their event loop must not wait
// for the load generator's, or the probe would measure itself rather than the registry.
import { parentPort, workerData } from 'node:worker_threads'
import type { StoredWrite } from './inputs/index.js'
import { type OtherClient, sampleLatency } from './latency.js'

const writes: StoredWrite[] = []
const client: OtherClient = {
  ...(workerData as Omit<OtherClient, 'ledger'>),
  ledger: { add: (write) => writes.push(write) },
}
const sampler = sampleLatency(client)
parentPort?.once('message', async () => {
  const samples = await sampler.stop()
  parentPort?.postMessage({ samples, writes })
})
