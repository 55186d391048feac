// `npm run bench` (in tools/): our registry against registry:2, for blob transfers a lean C
// reference, and for concurrent pushes Node's HTTP server discarding the bodies, on this machine,
// printed as a table on stdout with progress on stderr. A report, not a test: nothing here asserts
// timings.
// Like the packages, the sources import each other with `.js`: `npm run bench` builds the
// packages, compiles these files to bench/dist (bench/tsconfig.json) and runs bench/dist/main.js.
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs, promisify } from 'node:util'
import { type AuthModeName, prepareAuth } from './auth.js'
import { blobFigures, blobSource } from './blob-scenarios.js'
import { concurrentFigure } from './concurrent-scenario.js'
import { curlFigures } from './curl-scenarios.js'
import { headFigure } from './head-scenario.js'
import { type Figure, format, progress } from './measure.js'
import { memoryFigure } from './memory-scenario.js'
import { startReference } from './reference-server.js'
import {
  NODE_DISCARD,
  OURS_MAIN_THREAD,
  REFERENCE,
  type ServerName,
  startNodeDiscard,
  startServers,
} from './registries.js'
import { renderReport } from './report.js'
import type { Pass, Settings } from './settings.js'
import { skopeoFigure } from './skopeo-scenario.js'
import { tagsFigure } from './tags-scenario.js'

const MiB = 2 ** 20

/** The scenarios, in the order they run; `--only` picks some. */
const SCENARIOS = ['blob', 'curl', 'concurrent', 'memory', 'head', 'tags', 'skopeo'] as const
type ScenarioName = (typeof SCENARIOS)[number]

/**
 * The scenarios a push's hashing shows in: these also run on a copy of ours that hashes on its
 * main thread, so the report compares both modes under the same load.
 */
const HASHING_SCENARIOS: readonly ScenarioName[] = ['blob', 'curl', 'concurrent', 'memory']

/**
 * The scenarios the C reference also runs: the blob transfers. Its memory says nothing about
 * ours, and it serves nothing else.
 */
const REFERENCE_SCENARIOS: readonly ScenarioName[] = ['blob', 'curl', 'concurrent']

/**
 * The scenario Node's HTTP server discarding bodies also runs: the one whose target depends most
 * on how much receiving alone costs. It keeps nothing, so it cannot serve the pulls of the others.
 */
const NODE_DISCARD_SCENARIOS: readonly ScenarioName[] = ['concurrent']

const USAGE = [
  'usage: npm run bench -- [--runs N≥1] [--head-seconds S>0] [--only NAME,…]',
  '  --runs          measured runs per figure and server (default 3; pull runs 3× as many)',
  '  --head-seconds  length of each manifest HEAD load run (default 5)',
  `  --only          run only these scenarios (default all): ${SCENARIOS.join(', ')}`,
].join('\n')

/**
 * Auth on (Basic) is how the issue states its targets and how the CLI always runs. The no-auth
 * pass repeats the request-bound scenarios to show how much of registry:2's figure is bcrypt,
 * which it checks on every Basic request by design.
 */
const PLAN: Record<AuthModeName, readonly ScenarioName[]> = {
  basic: SCENARIOS,
  none: ['head', 'skopeo'],
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      'head-seconds': { type: 'string', default: '5' },
      only: { type: 'string', default: SCENARIOS.join(',') },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return
  }
  const runs = Number(values.runs)
  const headSeconds = Number(values['head-seconds'])
  const only = values.only.split(',')
  const known = (name: string): name is ScenarioName => SCENARIOS.some((s) => s === name)
  if (!Number.isInteger(runs) || runs < 1 || !(headSeconds > 0) || !only.every(known)) {
    throw new Error(USAGE)
  }
  const started = performance.now()
  const workDir = await mkdtemp(join(tmpdir(), 'bench-'))
  const settings: Settings = {
    reps: { runs, warmups: 1 },
    blobBytes: 512 * MiB,
    chunkBytes: 16 * MiB,
    concurrentPushes: 8,
    memoryBlobBytes: 2048 * MiB,
    headSeconds,
    headConcurrency: 32,
    tagsHeld: 2000,
    tagPushes: 200,
    layout: { layers: 20, layerBytes: 2 * MiB },
    workDir,
  }
  const loads: number[] = []
  const sampler = setInterval(() => loads.push(loadavg()[0] ?? 0), 5000)
  try {
    const { figures, notes } = await runPlan(settings, new Set(only))
    const machine = await describeMachine()
    const load = describeLoad(loads)
    const report = renderReport(figures, { machine, ...settings.reps, load, notes })
    console.log(report)
  } finally {
    clearInterval(sampler)
    await rm(workDir, { recursive: true, force: true })
  }
  progress(`done in ${format((performance.now() - started) / 1000)} s`)
}

async function runPlan(
  settings: Settings,
  only: ReadonlySet<ScenarioName>,
): Promise<{ figures: Figure[]; notes: string[] }> {
  progress(`allocating a ${settings.blobBytes / MiB} MiB random blob`)
  const blobs = blobSource(settings.blobBytes)
  const figures: Figure[] = []
  const notes: string[] = []
  for (const [name, planned] of Object.entries(PLAN) as [AuthModeName, typeof PLAN.none][]) {
    const scenarios = planned.filter((scenario) => only.has(scenario))
    if (scenarios.length === 0) continue
    const auth = await prepareAuth(name)
    if (auth.note !== undefined) notes.push(auth.note)
    const mainThreadCopy = scenarios.some((scenario) => HASHING_SCENARIOS.includes(scenario))
    const servers = await startServers(auth, { mainThreadCopy })
    try {
      if (scenarios.some((scenario) => REFERENCE_SCENARIOS.includes(scenario))) {
        const reference = await startReference(auth)
        if ('skipped' in reference) notes.push(reference.skipped)
        else servers.push(reference)
      }
      if (scenarios.some((scenario) => NODE_DISCARD_SCENARIOS.includes(scenario)))
        servers.push(await startNodeDiscard(auth))
      const pass = { servers, auth, settings }
      const without = (...names: ServerName[]): Pass => ({
        ...pass,
        servers: servers.filter((s) => !names.includes(s.name)),
      })
      // Hashing plays no part in these: ours with its defaults against registry:2 only.
      const requests = without(OURS_MAIN_THREAD, REFERENCE, NODE_DISCARD)
      const transfers = without(NODE_DISCARD)
      progress(`auth ${auth.label}: ${servers.map((s) => `${s.name} at ${s.url}`).join(', ')}`)
      if (scenarios.includes('blob')) figures.push(...(await blobFigures(transfers, blobs)))
      if (scenarios.includes('curl')) figures.push(...(await curlFigures(transfers, blobs)))
      if (scenarios.includes('concurrent')) figures.push(await concurrentFigure(pass, blobs))
      if (scenarios.includes('memory'))
        figures.push(await memoryFigure(without(REFERENCE, NODE_DISCARD), blobs))
      if (scenarios.includes('head')) figures.push(await headFigure(requests))
      if (scenarios.includes('tags')) figures.push(await tagsFigure(requests))
      if (scenarios.includes('skopeo')) figures.push(await skopeoFigure(requests))
    } finally {
      for (const server of servers) await server.close()
    }
  }
  notes.push(
    'Pull reads the blob from the page cache on every server (it was just pushed); the client ' +
      'reads the body to the end and counts bytes, it does not hash.',
    'All data directories are under the system temp dir (one disk); every server fsyncs blobs.',
    'skopeo copies a fresh OCI layout per round (random layers, gzip level 0) to a new repository.',
  )
  return { figures, notes }
}

async function describeMachine(): Promise<string> {
  const version = async (command: string, args: string[]): Promise<string> => {
    const { stdout } = await promisify(execFile)(command, args)
    return stdout.trim().split(/\s+/).pop() ?? '?'
  }
  const registry = await version('docker-registry', ['--version'])
  const skopeo = await version('skopeo', ['--version'])
  return `${cpus().length} cores, Node ${process.version}, docker-registry ${registry}, skopeo ${skopeo}`
}

/**
 * Other sessions may run test suites on this machine at the same time; the reader must know
 * when the wall-clock figures were taken on a busy machine.
 */
function describeLoad(loads: number[]): string[] {
  const cores = cpus().length
  const mean = loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length)
  const max = Math.max(0, ...loads)
  const lines = [
    `Load average (1 min) during the run: mean ${mean.toFixed(1)}, max ${max.toFixed(1)} on ${cores} cores; the benchmark alone accounts for about 2.`,
  ]
  if (mean > cores + 1) {
    lines.push(
      'WARNING: other processes competed for the CPU, so wall-clock figures (MB/s, req/s, s) are noisy: compare the CPU columns too, or re-run on an idle machine.',
    )
  }
  return lines
}

await main()
