import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { isArtifactRegistryError, type RepositoryResponse } from '@artifact-registry/core'
import type { LayoutFixture } from '../../../packages/registry-server/test/support/oci-layout.js'
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

/**
 * What a scenario produced on one target. The outcome is what the library's user relies on and
 * must be identical on every target; the detail is how the registry got there (status codes,
 * optional fields), shown per target and checked against {@link Scenario.detail}.
 */
export interface ScenarioResult {
  /** What the user relies on, e.g. `refused`; the verdict compares these across targets. */
  outcome: string
  /** Protocol detail, e.g. `HTTP 403 DENIED`; absent when the scenario expects none. */
  detail?: string
}

/** What a scenario's detail must be on each target. */
export interface DetailExpectation {
  /** What any correct registry reports. */
  any: RegExp
  /** What a target (by its column name) must report besides, e.g. what our design requires. */
  byTarget?: Readonly<Record<string, RegExp>>
}

/** One row of the outcome table. */
export interface Scenario {
  /** Stable key, used by the list of known detail differences. */
  id: string
  /** What the row checks, as the test is named. */
  title: string
  /** The outcome a correct registry produces; every target must match it. */
  outcome: RegExp
  /** The expected detail; a scenario without one must report no detail. */
  detail?: DetailExpectation
  /**
   * Runs against one target and describes what happened, independent of ports and secrets, so
   * the results of the targets compare as strings.
   */
  run(context: ScenarioContext): Promise<ScenarioResult>
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
 * The patterns the detail of `scenario` on `target` must match: the scenario's `any`, then the
 * one it sets for `target`. Empty when the scenario expects no detail. Throws when `byTarget`
 * names a target not in `targets`, as that pattern would never be checked.
 */
export function detailPatterns(
  scenario: Scenario,
  target: string,
  targets: readonly string[],
): RegExp[] {
  if (!scenario.detail) return []
  const { any, byTarget = {} } = scenario.detail
  const unknown = Object.keys(byTarget).filter((name) => !targets.includes(name))
  if (unknown.length > 0) throw new Error(`${scenario.id}: no target named ${unknown.join(', ')}`)
  const own = byTarget[target]
  return own ? [any, own] : [any]
}

/**
 * Runs a scenario and returns its result with the registry's address written `<registry>`; a
 * scenario that throws has the outcome `error: <code or message>`, which then fails its row.
 */
export async function runScenario(
  scenario: Scenario,
  context: ScenarioContext,
): Promise<ScenarioResult> {
  const { outcome, detail } = await scenario
    .run(context)
    .catch((error: unknown): ScenarioResult => ({ outcome: `error: ${describeError(error)}` }))
  const hide = (text: string) => text.replaceAll(context.target.authority, '<registry>')
  return detail === undefined
    ? { outcome: hide(outcome) }
    : { outcome: hide(outcome), detail: hide(detail) }
}
