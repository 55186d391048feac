import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ProvisionRecorder } from '@artifact-registry/core'
import { failedToListen, rememberedPort } from '../embedded-port.js'
import { local } from '../local-provider.js'
import { platformError } from '../map-error.js'
import { repositories } from './namespace-repositories.js'
import type { ResolvedProvisionOptions } from './options.js'

/** The kind of change for the data directory of an embedded registry. */
export const DATA_DIRECTORY = 'data-directory'

type DataDirectoryTarget = Extract<ResolvedProvisionOptions, { kind: 'data-directory' }>

/** What a data directory holds, as far as provisioning is concerned. */
export type DataDirectoryState =
  | { readonly state: 'missing' | 'empty' }
  | {
      readonly state: 'registry'
      /** The port `endpoint.json` records; 0 when it records none (a directory `serve` made). */
      readonly port: number
      /** What provision recorded when it initialised the directory; undefined when it did not. */
      readonly provisioned: ProvisionedMark | undefined
      /** Entries that are no registry's: they make the directory not ours to delete. */
      readonly foreign: readonly string[]
    }

/**
 * Read what `dataDir` holds, without changing it. A registry's directory is one with `blobs/`.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` when it is a file, or a directory holding files
 *   that are no registry's (provisioning would mix a registry into someone's files).
 */
export async function inspectDataDirectory(dataDir: string): Promise<DataDirectoryState> {
  let entries: string[]
  try {
    if (!(await stat(dataDir)).isDirectory())
      throw platformError('INVALID_CONFIG', `dataDir ${dataDir} is not a directory`)
    entries = await readdir(dataDir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' }
    throw error
  }
  if (entries.length === 0) return { state: 'empty' }
  if (!entries.includes('blobs')) {
    throw platformError(
      'INVALID_CONFIG',
      `dataDir ${dataDir} holds files and is not a registry's data directory (it has no blobs/): give a new or empty directory, or one a registry serves`,
    )
  }
  return {
    state: 'registry',
    port: await rememberedPort(dataDir),
    provisioned: await readMark(dataDir),
    foreign: entries.filter((entry) => !REGISTRY_ENTRIES.has(entry)).sort(),
  }
}

/**
 * Create or converge the data directory: a new or empty one is initialised by starting the
 * embedded registry on it once, as `local({ dataDir })` does (store layout, signing keys,
 * `endpoint.json` with its port), under the directory's lock; a registry's directory whose
 * recorded port is missing or not `port` is started once on the port wanted.
 *
 * @throws ArtifactRegistryError `UNAVAILABLE` naming the holder while another registry serves the
 *   directory, or when the port is taken (only when a change is made).
 */
export async function provisionDataDirectory(
  target: DataDirectoryTarget,
  recorder: ProvisionRecorder,
): Promise<void> {
  recorder.checkpoint()
  const { dataDir, port } = target
  const found = await inspectDataDirectory(dataDir)
  if (found.state !== 'registry') {
    const createdDirectory = found.state === 'missing'
    await recorder.apply(
      {
        action: 'create',
        kind: DATA_DIRECTORY,
        id: dataDir,
        detail: `a new registry data directory`,
      },
      async () => {
        try {
          await serveOnce(target)
        } catch (error) {
          // Only a start that got as far as listening made the files there; any other failure
          // (another process holds the lock, say) leaves the directory as it is.
          if (failedToListen(error)) await undoFailedStart(dataDir, createdDirectory)
          throw error
        }
        await writeMark(dataDir, { createdDirectory })
      },
    )
    return
  }
  // Port 0 is any free port: whichever the directory has will do.
  const drift =
    found.port === 0
      ? 'no port recorded in endpoint.json'
      : port !== undefined && port !== 0 && port !== found.port
        ? `served on port ${found.port}, not ${port}`
        : undefined
  if (drift === undefined) return recorder.unchanged(DATA_DIRECTORY, dataDir)
  await recorder.apply({ action: 'update', kind: DATA_DIRECTORY, id: dataDir, detail: drift }, () =>
    serveOnce(target),
  )
}

/**
 * Remove the data directory once deprovisioning has deleted this binding's repositories, when
 * it is ours: provision created it, no repository of another namespace is left in it
 * (`remaining`), and it holds nothing but a registry's files. Only the registry's files go, and
 * the directory itself when provision created it. Otherwise it is kept, and recorded
 * `unchanged` with why.
 */
export async function removeDataDirectory(
  dataDir: string,
  found: DataDirectoryState,
  remaining: number,
  recorder: ProvisionRecorder,
): Promise<void> {
  recorder.checkpoint()
  if (found.state === 'missing') return
  const mark = found.state === 'registry' ? found.provisioned : undefined
  const keptBecause =
    found.state !== 'registry' || mark === undefined
      ? 'kept: provision did not create it'
      : remaining > 0
        ? `kept: it holds ${repositories(remaining)} of other namespaces`
        : found.foreign.length > 0
          ? `kept: it holds files that are no registry's (${found.foreign.join(', ')})`
          : undefined
  if (keptBecause !== undefined) {
    await recorder.apply(
      { action: 'unchanged', kind: DATA_DIRECTORY, id: dataDir, detail: keptBecause },
      async () => {},
    )
    return
  }
  await recorder.apply(
    {
      action: 'delete',
      kind: DATA_DIRECTORY,
      id: dataDir,
      detail: 'provision created it and no repository is left in it',
    },
    async () => {
      if (mark?.createdDirectory) return rm(dataDir, { recursive: true })
      for (const entry of REGISTRY_ENTRIES)
        await rm(join(dataDir, entry), { recursive: true, force: true })
    },
  )
}

// --- Internal ---

/** What provision writes into a directory it initialised: the mark that it is ours to remove. */
interface ProvisionedMark {
  /** Whether provision created the directory itself (else it was there, empty). */
  createdDirectory: boolean
}

const MARK_FILE = 'provisioned.json'
// The registry server's lock of its data directory, held while it runs.
const LOCK_FILE = 'process.lock'

// What the embedded registry and provision keep in a data directory (registry-server's store
// layout, auth keys and lock, and the provider's endpoint.json).
const REGISTRY_ENTRIES: ReadonlySet<string> = new Set([
  'auth',
  'blobs',
  'endpoint.json',
  LOCK_FILE,
  'repositories',
  'tmp',
  'uploads',
  MARK_FILE,
])

// The registry initialises its directory as it starts (and takes its lock); the provider records
// the port it served on. Collection is off: the registry stops again at once.
async function serveOnce(target: DataDirectoryTarget): Promise<void> {
  const registry = await local({
    dataDir: target.dataDir,
    ...(target.port !== undefined && { port: target.port }),
    ...(target.host !== undefined && { host: target.host }),
    gcIntervalSeconds: 0,
  })
  await registry.close()
}

/**
 * Removes what a start that could not listen left in a directory that was missing or empty (the
 * registry lays out its files before it listens, so they stay behind, unmarked: neither a rerun
 * nor `deprovision` would then take them for provision's). Nothing is touched if another process
 * holds the directory's lock by now (ours was released when the start failed).
 */
async function undoFailedStart(dataDir: string, createdDirectory: boolean): Promise<void> {
  if (await exists(join(dataDir, LOCK_FILE))) return
  if (createdDirectory) return rm(dataDir, { recursive: true, force: true })
  for (const entry of REGISTRY_ENTRIES)
    await rm(join(dataDir, entry), { recursive: true, force: true })
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false
      throw error
    },
  )
}

async function writeMark(dataDir: string, mark: ProvisionedMark): Promise<void> {
  await writeFile(join(dataDir, MARK_FILE), `${JSON.stringify(mark)}\n`, { flag: 'wx' })
}

async function readMark(dataDir: string): Promise<ProvisionedMark | undefined> {
  try {
    const mark = JSON.parse(await readFile(join(dataDir, MARK_FILE), 'utf8')) as unknown
    return {
      createdDirectory: (mark as Partial<ProvisionedMark> | null)?.createdDirectory === true,
    }
  } catch (error) {
    // A mark that is not provision's (unreadable JSON) does not make the directory ours.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError)
      return undefined
    throw error
  }
}
