import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import {
  type ArtifactRegistry,
  isArtifactRegistryError,
  type RepositoryResponse,
} from '@artifact-registry/core'
import type { LayoutFixture } from '../../oci-layout.js'
import type { ExpectedDifference, Observation } from '../observation.js'
import { authenticatedAnswer } from './authenticated-answer.js'
import type { Skopeo } from './skopeo.js'

/** A username and password, for the provider's admin and for skopeo. */
export interface Credentials {
  username: string
  password: string
}

/** The binding every client scenario runs in: routable names are `e2e/{name}`. */
export const BINDING = 'e2e'

/** One registry set up for the client scenarios, with the local provider pointed at it. */
export interface ClientTarget extends AsyncDisposable {
  /** The provider under test, talking to the registry over HTTP with the admin credential. */
  provider: ArtifactRegistry
  /** `127.0.0.1:PORT` of the registry, as image references spell it. */
  authority: string
  /** May do everything, on the registry and at its token realm. */
  admin: Credentials
  close(): Promise<void>
}

/** What `createRepository` leaves in a new repository: the provider's marker artifact. */
export interface RepositoryMarker {
  artifactType: string
  digest: string
}

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

/** Everything a client scenario may use. */
export interface ClientContext {
  target: ClientTarget
  skopeo: Skopeo
  fixtures: Fixtures
  state: ScenarioState
  marker: RepositoryMarker
}

/**
 * What a client scenario produced on one target. The outcome is what the library's user relies
 * on and must be identical on every target; the detail is how the registry got there (status
 * codes, optional fields).
 */
export interface ClientResult {
  /** What the user relies on, e.g. `refused`. */
  outcome: string
  /** Protocol detail, e.g. `HTTP 403 DENIED`; absent when the scenario expects none. */
  detail?: string
}

/**
 * One step a user takes through the provider and skopeo, run against our registry and the
 * reference in the same order, each target keeping its own {@link ScenarioState}.
 */
export interface ClientScenario {
  /** Stable key: the step name of the comparison. */
  id: string
  /** What the scenario checks, as the test is named. */
  title: string
  /** The outcome a correct registry produces; every target must match it. */
  outcome: RegExp
  /** What any correct registry's detail matches; a scenario without one must report none. */
  detail?: RegExp
  /** How our registry's detail differs from the reference's, exactly, and why. */
  difference?: { ours: string; reference: string; reason: string }
  /**
   * Runs against one target and describes what happened, independent of ports and secrets, so
   * the results of the targets compare as strings.
   */
  run(context: ClientContext): Promise<ClientResult>
}

/** The logical name of the scenarios' main repository (routable: `e2e/app`). */
export const APP = 'app'

/** `docker://127.0.0.1:PORT/{path}`. */
export function dockerRef(context: ClientContext, path: string): string {
  return `docker://${context.target.authority}/${path}`
}

/** How the target's registry answers `method path` with `creds` (see {@link authenticatedAnswer}). */
export function answerAs(
  context: ClientContext,
  creds: Credentials,
  method: string,
  path: string,
): Promise<string> {
  return authenticatedAnswer(`http://${context.target.authority}`, creds, method, path)
}

/** A fresh, empty OCI layout reference under the run's work directory. */
export async function freshLayout(context: ClientContext, tag: string): Promise<string> {
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
 * Runs a scenario on one target and records it as the comparison's observation, with the
 * registry's address written `<registry>`. A scenario that throws has the outcome
 * `error: <code or message>`, which then matches no scenario's outcome.
 */
export async function observeClientScenario(
  scenario: ClientScenario,
  context: ClientContext,
): Promise<Observation> {
  const { outcome, detail } = await scenario
    .run(context)
    .catch((error: unknown): ClientResult => ({ outcome: `error: ${describeError(error)}` }))
  const hide = (text: string) => text.replaceAll(context.target.authority, '<registry>')
  const observation: Observation = { step: scenario.id, outcome: hide(outcome) }
  if (detail !== undefined) observation.detail = hide(detail)
  return observation
}

/**
 * What is wrong with one target's observation of `scenario`, by the scenario's own terms: its
 * outcome must match `outcome`, its detail `detail` (or be absent when the scenario has none).
 */
export function expectationProblems(scenario: ClientScenario, observation: Observation): string[] {
  const problems: string[] = []
  if (!scenario.outcome.test(observation.outcome ?? '')) {
    problems.push(`outcome "${observation.outcome}" does not match ${scenario.outcome}`)
  }
  if (scenario.detail === undefined) {
    if (observation.detail !== undefined) problems.push(`unexpected detail "${observation.detail}"`)
  } else if (!scenario.detail.test(observation.detail ?? '')) {
    problems.push(`detail "${observation.detail ?? '(none)'}" does not match ${scenario.detail}`)
  }
  return problems
}

/** The scenario's {@link ClientScenario.difference} as the comparison declares it. */
export function declaredDifferences(scenario: ClientScenario): ExpectedDifference[] {
  const { difference } = scenario
  if (difference === undefined) return []
  return [
    {
      step: scenario.id,
      ours: { detail: difference.ours },
      reference: { detail: difference.reference },
      reason: difference.reason,
    },
  ]
}
