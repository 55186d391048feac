// `npm run probe` (repository root): starts `artifact-registry-local serve` on 127.0.0.1, throws
// several hundred distinct bad inputs and two exhaustion loads at it, and prints what it found as
// tables on stdout (progress on stderr). Every loop is bounded in count and in time; every
// request goes to 127.0.0.1. Node runs these files directly (type stripping), so they import
// each other with `.ts`.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { runBadInputs } from './bad-input-run.ts'
import { basic, pushSmallImage, statuses } from './client.ts'
import { figuresOf } from './figures.ts'
import { allBadInputs } from './inputs/index.ts'
import { sampleLatencyApart } from './latency.ts'
import { Ledger } from './ledger.ts'
import { type ManifestFloodKind, manifestFlood } from './manifest-flood.ts'
import { figuresTable, inputsTable, loadsTable, printProblems } from './report.ts'
import { CLI, type ServerProcess, startServer } from './server-process.ts'
import { readSettings } from './settings.ts'
import { credentials, otherClient, setUp } from './setup.ts'
import { statusesOf, underLoad } from './under-load.ts'
import { uploadExhaustion } from './upload-exhaustion.ts'

async function main(): Promise<void> {
  const settings = readSettings()
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`)
  const workDir = await mkdtemp(join(tmpdir(), 'probe-'))
  const dataDir = join(workDir, 'data')
  const password = randomBytes(24).toString('base64url')
  const admin = basic('admin', password)
  const started = performance.now()
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
    const flood = (kind: ManifestFloodKind) => {
      progress(
        `${kind} manifests: ${settings.floodClients} clients for ${settings.floodSeconds} s…`,
      )
      return underLoad(server, other, () =>
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
    const exhaustCreds = await credentials(server.url, admin, 'probe/exhaust', 8)
    const exhaustion = await underLoad(server, other, () =>
      uploadExhaustion({
        url: server.url,
        port: server.port,
        credentials: exhaustCreds,
        sessionsPerCredential: settings.sessionsPerCredential,
        stalledPerCredential: settings.stalledPerCredential,
        tricklingPerCredential: settings.tricklingPerCredential,
        idleConnections: settings.idleConnections,
        deadlineMs: 90_000,
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
    console.log(`# Adversarial probe of artifact-registry-local\n\n${describeMachine()}\n`)
    console.log(`${figuresTable(figures)}\n`)
    console.log(`${inputsTable(results)}\n`)
    console.log(`${loadsTable(settings, { nested, wide }, exhaustion)}\n`)
    printProblems(results, lost, lostAfterRestart, crashes, servers)
  } finally {
    for (const s of servers) await s.stop()
    await rm(workDir, { recursive: true, force: true })
  }
  progress(`done in ${Math.round((performance.now() - started) / 1000)} s`)
}

function describeMachine(): string {
  return `${cpus().length} cores, Node ${process.version}; server: the built artifact-registry-local serve, default limits, auth on.`
}

function progress(line: string): void {
  console.error(`[probe] ${line}`)
}

await main()
