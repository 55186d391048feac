import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ContainersSandbox, containersSandbox, requireTool } from '@artifact-registry/test-kit'
import { afterAll, beforeAll, describe } from 'vitest'
import { type RegistryTarget, type RunningRegistry, registryTargets } from './registry-targets.js'

/** What {@link useSandbox} prepares for a test file. */
export interface InteropWork {
  /** A fresh directory for the file's layouts, stores and pulled images. */
  dir: string
  /** The containers/image configuration the clients run with (inside `dir`). */
  sandbox: ContainersSandbox
}

/**
 * A work directory with a containers sandbox in it, made before the file's tests and removed
 * after them. Returns an accessor: both exist only once `beforeAll` has run.
 */
export function useSandbox(prefix: string, timeoutMs: number): () => InteropWork {
  let work: InteropWork | undefined
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), prefix))
    work = { dir, sandbox: await containersSandbox(dir) }
  }, timeoutMs)
  afterAll(async () => {
    if (work) await rm(work.dir, { recursive: true, force: true })
  })
  return () => {
    if (!work) throw new Error('the interop work directory is missing (beforeAll failed?)')
    return work
  }
}

/**
 * One `describe` per registry the interop scenarios run against: ours, under test, and
 * distribution's, which shows the scenario itself is right (skipped where it is not installed).
 */
export function describeTargets(body: (target: RegistryTarget) => void): void {
  for (const target of registryTargets) {
    const missing = target.reference ? requireTool('docker-registry') : undefined
    describe.skipIf(missing)(`against ${target.name}`, () => body(target))
  }
}

/**
 * The target's registry for the tests of the current `describe`, anonymous or (`auth`) guarded
 * by the test credential: started before them, closed after them.
 */
export function useTargetRegistry(
  target: RegistryTarget,
  options: { auth?: boolean; timeoutMs: number },
): () => RunningRegistry {
  let registry: RunningRegistry | undefined
  beforeAll(async () => {
    registry = await target.start({ auth: options.auth ?? false })
  }, options.timeoutMs)
  afterAll(() => registry?.close())
  return () => {
    if (!registry) throw new Error(`${target.name} is not running (beforeAll failed?)`)
    return registry
  }
}
