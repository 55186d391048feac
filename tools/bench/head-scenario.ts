import { randomBytes } from 'node:crypto'
import { OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST, sha256 } from '@artifact-registry/test-kit'
import type { AuthMode } from './auth.js'
import {
  type BlobData,
  type Endpoint,
  headManifest,
  pushManifest,
  pushMonolithic,
} from './client.js'
import { type Figure, seconds } from './measure.js'
import { cpuSeconds } from './processes.js'
import type { Server, ServerName } from './registries.js'
import { measureFigure, type Pass } from './settings.js'

/** Manifest HEAD requests per second from `headConcurrency` concurrent loops. */
export async function headFigure(pass: Pass): Promise<Figure> {
  const { servers, auth, settings } = pass
  for (const server of servers) await pushSmallImage(server)
  const totals = new Map<ServerName, LoadRun>()
  const label = `manifest HEAD, concurrency ${settings.headConcurrency}`
  const scenario = `${label}, ${settings.headSeconds} s`
  const row = await measureFigure(
    pass,
    { label, scenario, unit: 'req/s', target: 1 },
    async (s, r) => {
      // Warm-ups only need to open the connections and warm the JIT.
      const duration = r < 0 ? 1 : settings.headSeconds
      const run = await headLoad(s, duration, settings.headConcurrency)
      if (r >= 0) totals.set(s.name, addRuns(totals.get(s.name), run))
      return run.requests / run.elapsed
    },
  )
  row.notes.push(cpuNote(auth, totals))
  return row
}

// --- internal ---

const REPO = 'bench/head'

interface LoadRun {
  requests: number
  elapsed: number
  serverCpu: number
  clientCpu: number
}

/** A config, one 1 KiB layer and an OCI manifest tagged `v1`: what the HEAD loop asks for. */
async function pushSmallImage(ep: Endpoint): Promise<void> {
  const blob = (bytes: Buffer): BlobData => ({ bytes, digest: sha256(bytes) })
  const config = blob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux' })))
  const layer = blob(randomBytes(1024))
  for (const b of [config, layer]) await pushMonolithic(ep, REPO, b)
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: descriptor(OCI_CONFIG, config),
    layers: [descriptor(OCI_LAYER_GZIP, layer)],
  }
  await pushManifest(ep, REPO, 'v1', Buffer.from(JSON.stringify(manifest)), OCI_MANIFEST)
}

function descriptor(mediaType: string, blob: BlobData) {
  return { mediaType, digest: blob.digest, size: blob.bytes.byteLength }
}

/** `concurrency` loops of HEAD for `duration` seconds, with the CPU each side used. */
async function headLoad(server: Server, duration: number, concurrency: number): Promise<LoadRun> {
  const serverBefore = await cpuSeconds(server.pid)
  const clientBefore = process.cpuUsage()
  let requests = 0
  const elapsed = await seconds(async () => {
    const deadline = performance.now() + duration * 1000
    const loop = async (): Promise<void> => {
      while (performance.now() < deadline) {
        await headManifest(server, REPO, 'v1')
        requests++
      }
    }
    await Promise.all(Array.from({ length: concurrency }, loop))
  })
  const client = process.cpuUsage(clientBefore)
  return {
    requests,
    elapsed,
    serverCpu: (await cpuSeconds(server.pid)) - serverBefore,
    clientCpu: (client.user + client.system) / 1e6,
  }
}

function addRuns(a: LoadRun | undefined, b: LoadRun): LoadRun {
  if (a === undefined) return b
  return {
    requests: a.requests + b.requests,
    elapsed: a.elapsed + b.elapsed,
    serverCpu: a.serverCpu + b.serverCpu,
    clientCpu: a.clientCpu + b.clientCpu,
  }
}

/** Where the CPU went: on 2 cores, a client near 100% of one core means the client limits. */
function cpuNote(auth: AuthMode, totals: Map<ServerName, LoadRun>): string {
  const parts = [...totals].map(([name, t]) => {
    const perRequest = ((t.serverCpu / t.requests) * 1e6).toFixed(0)
    const client = ((t.clientCpu / t.elapsed) * 100).toFixed(0)
    return `${name} server ${perRequest} µs CPU/request with the client at ${client}% of a core`
  })
  return `HEAD, auth ${auth.label}: ${parts.join('; ')}.`
}
