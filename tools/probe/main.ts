// `npm run probe` (repository root): starts `artifact-registry-local serve` on 127.0.0.1, throws
// several hundred distinct bad inputs and two exhaustion loads at it, and prints what it found as
// tables on stdout (progress on stderr). Every loop is bounded in count and in time; every
// request goes to 127.0.0.1. Like the packages, these files import each other with `.js`:
// `npm run probe` builds the packages, compiles them to probe/dist (probe/tsconfig.json) and
// runs probe/dist/main.js.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { runBadInputs } from './bad-input-run.js'
import { basic, pushSmallImage, statuses } from './client.js'
import { figuresOf } from './figures.js'
import { allBadInputs } from './inputs/index.js'
import { sampleLatencyApart } from './latency.js'
import { Ledger } from './ledger.js'
import { type ManifestFloodKind, manifestFlood } from './manifest-flood.js'
import { figuresTable, inputsTable, loadsTable, printProblems } from './report.js'
import { CLI, type ServerProcess, startServer } from './server-process.js'
import { readSettings } from './settings.js'
import { credentials, otherClient, setUp } from './setup.js'
import { statusesOf, underLoad } from './under-load.js'
import { uploadExhaustion } from './upload-exhaustion.js'

async function main(): Promise<void> {
  const settings = readSettings()
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`)
  const workDir = await mkdtemp(join(tmpdir(), 'probe-'))
  const dataDir = join(workDir, 'data')
  const password = randomBytes(24).toString('base64url')
  const admin = basic('admin', password)
  const started = performance.now()
  const loads: number[] = []
  const loadSampler = setInterval(() => loads.push(loadavg()[0] ?? 0), 5000)
  let server = await startServer(dataDir, password)
  const servers: ServerProcess[] = [server]
  try {
    progress(`server ${server.url} (pid ${server.pid}), data in ${dataDir}`)
    const ledger = new Ledger()
    const ctxBase = await setUp(server, admin, ledger)

    progress('bad inputs…')
    let checkpoints = 0
    let failedCheckpoints = 0
    const inputs = allBadInputs()
    const results = await runBadInputs(inputs, {
      port: server.port,
      contextFor: (i) => ({ ...ctxBase, scratch: () => `probe/i${i}` }),
      ledger,
      everyInputs: 50,
      concurrency: 4,
      checkpoint: async () => {
        const tag = `c${checkpoints++}`
        if (!(await pushSmallImage(server.url, admin, 'probe/checkpoints', tag, ledger)))
          failedCheckpoints += 1
      },
    })
    progress(`${results.length} bad inputs sent`)

    const other = await otherClient(server.url, admin, ledger)
    progress('idle latency…')
    const idleSampler = sampleLatencyApart(other)
    await sleep(5000)
    const idle = await idleSampler.stop()

    const floodCreds = await credentials(server.url, admin, 'probe/flood', 8)
    const exhaustCreds = await credentials(server.url, admin, 'probe/exhaust', 8)
    // Each load meets a freshly started server (same data, credentials kept), so that its peak
    // RSS is its own: a heap a previous load made grow is not given back at once.
    const measured = async <T>(load: () => Promise<T>) => {
      await server.stop()
      server = await startServer(dataDir, password)
      servers.push(server)
      return underLoad(server, await otherClient(server.url, admin, ledger), load)
    }
    const flood = (kind: ManifestFloodKind) => {
      progress(
        `${kind} manifests: ${settings.floodClients} clients for ${settings.floodSeconds} s…`,
      )
      return measured(() =>
        manifestFlood({
          port: server.port,
          kind,
          credentials: floodCreds,
          clients: settings.floodClients,
          durationMs: settings.floodSeconds * 1000,
          maxRounds: 1000,
        }),
      )
    }
    const nested = await flood('nested')
    const wide = await flood('wide')

    progress('upload exhaustion…')
    const exhaustion = await measured(() =>
      uploadExhaustion({
        url: server.url,
        port: server.port,
        credentials: exhaustCreds,
        sessionsPerCredential: settings.sessionsPerCredential,
        stalledPerCredential: settings.stalledPerCredential,
        tricklingPerCredential: settings.tricklingPerCredential,
        idleConnections: settings.idleConnections,
        sessionsDeadlineMs: 90_000,
        // The registry's body and headers timeouts are 30 s by default.
        holdMs: 45_000,
      }),
    )

    progress(`reading back ${ledger.size} acknowledged writes…`)
    const lost = await ledger.verify(server.url, admin)
    await server.stop()
    server = await startServer(dataDir, password)
    servers.push(server)
    const lostAfterRestart = await ledger.verify(server.url, admin)

    const crashes = servers.flatMap((s) => s.crashes)
    // Statuses of requests sent with fetch and of bad inputs are in `statuses`; the raw
    // connections of the loads are counted here.
    const fiveHundreds = [
      ...statuses,
      ...statusesOf(nested.result.outcomes),
      ...statusesOf(wide.result.outcomes),
      ...statusesOf(exhaustion.result.stalled),
      ...statusesOf(exhaustion.result.idle),
    ].filter((s) => s >= 500 && s !== 507).length
    const figures = figuresOf({
      results,
      fiveHundreds,
      loggedFailures: servers.reduce((n, s) => n + s.failures.length, 0),
      crashes: crashes.length,
      acknowledged: ledger.size,
      lost: lost.length,
      lostAfterRestart: lostAfterRestart.length,
      checkpoints: { tried: checkpoints, failed: failedCheckpoints },
      floodClients: settings.floodClients,
      nested,
      wide,
      exhaustion,
      idleLatency: idle,
    })
    console.log(`# Adversarial probe of artifact-registry-local\n\n${describeMachine(loads)}\n`)
    console.log(`${figuresTable(figures)}\n`)
    console.log(`${inputsTable(results)}\n`)
    console.log(`${loadsTable(settings, { nested, wide }, exhaustion)}\n`)
    printProblems(results, lost, lostAfterRestart, crashes, servers)
  } finally {
    clearInterval(loadSampler)
    for (const s of servers) await s.stop()
    await rm(workDir, { recursive: true, force: true })
  }
  progress(`done in ${Math.round((performance.now() - started) / 1000)} s`)
}

// Other work on this machine slows the server and the clients alike: the reader must know.
function describeMachine(loads: number[]): string {
  const cores = cpus().length
  const mean = loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length)
  const max = Math.max(0, ...loads)
  const lines = [
    `${cores} cores, Node ${process.version}; server: the built artifact-registry-local serve, default limits, auth on.`,
    `Load average (1 min) during the run: mean ${mean.toFixed(1)}, max ${max.toFixed(1)}; the probe and the server alone account for about 2.`,
  ]
  if (mean > cores + 1)
    lines.push(
      'WARNING: other processes competed for the CPU: latencies are inflated, run again on an idle machine.',
    )
  return lines.join('\n')
}

function progress(line: string): void {
  console.error(`[probe] ${line}`)
}

await main()
