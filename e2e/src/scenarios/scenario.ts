import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { isArtifactRegistryError, type RepositoryResponse } from '@artifact-registry/core'
import type { LayoutFixture } from '../../../packages/provider-local/test/support/oci-layout.js'
import { probe } from '../probe.js'
import type { Skopeo } from '../skopeo.js'
import type { Credentials, RunningTarget } from '../targets.js'

/** The OCI layouts every target gets, written once per run. */
export interface Fixtures {
  /** Working directory of the run; pulled layouts go below it. */
  work: string
  /** A multi-layer image (3 layers, one of ~1 MiB). */
  image: LayoutFixture
  /** Another image, for pushes that must be refused and for the second repository. */
  other: LayoutFixture
  /** Distinct images for the parallel pushes. */
  parallel: LayoutFixture[]
}

/** What earlier scenarios leave for later ones, per target. */
export interface ScenarioState {
  repository?: RepositoryResponse
  pull?: Credentials
  pushPull?: Credentials
}

/** Everything a scenario may use. */
export interface ScenarioContext {
  target: RunningTarget
  skopeo: Skopeo
  fixtures: Fixtures
  state: ScenarioState
}

/** One row of the outcome table. */
export interface Scenario {
  /** Stable key, used by the list of deliberate differences. */
  id: string
  /** What the row checks, as the test is named. */
  title: string
  /** What a correct registry produces; both targets must match it. */
  expected: RegExp
  /**
   * Runs against one target and describes what happened, independent of ports and secrets, so
   * outcomes of the two targets compare as strings.
   */
  run(context: ScenarioContext): Promise<string>
}

/** The logical name of the scenarios' main repository (routable: `e2e/app`). */
export const APP = 'app'

/** `docker://127.0.0.1:PORT/{path}`. */
export function dockerRef(context: ScenarioContext, path: string): string {
  return `docker://${context.target.authority}/${path}`
}

/** How the target's registry answers `method path` with `creds` (see {@link probe}). */
export function probeAs(
  context: ScenarioContext,
  creds: Credentials,
  method: string,
  path: string,
): Promise<string> {
  return probe(`http://${context.target.authority}`, creds, method, path)
}

/** A fresh, empty OCI layout reference under the run's work directory. */
export async function freshLayout(context: ScenarioContext, tag: string): Promise<string> {
  return `oci:${await mkdtemp(join(context.fixtures.work, 'pulled-'))}:${tag}`
}

/** The value an earlier scenario left in the state, or an error naming that scenario. */
export function needs<T>(value: T | undefined, scenario: string): T {
  if (value === undefined) throw new Error(`needs the outcome of "${scenario}", which failed`)
  return value
}

/** The code of an `ArtifactRegistryError`, what a failed skopeo said, else the message. */
export function describeError(error: unknown): string {
  if (isArtifactRegistryError(error)) return error.code
  // A failed skopeo run: its last words say why; the command line is noise.
  const stderr = (error as { stderr?: unknown } | undefined)?.stderr
  if (typeof stderr === 'string' && stderr.trim()) return stderr.trim().split('\n').at(-1) ?? ''
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''
}

/**
 * Runs a scenario and returns its outcome with the registry's address written `<registry>`; a
 * scenario that throws has the outcome `error: <code or message>`, which then fails its row.
 */
export async function runScenario(scenario: Scenario, context: ScenarioContext): Promise<string> {
  const outcome = await scenario
    .run(context)
    .catch((error: unknown) => `error: ${describeError(error)}`)
  return outcome.replaceAll(context.target.authority, '<registry>')
}
