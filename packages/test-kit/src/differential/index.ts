// The differential harness: the same scenarios against our registry and a reference registry,
// compared step by step. Registers vitest tests, so it lives apart from the package's main entry.
export { CLIENT_SCENARIOS } from './client/index.js'
export {
  BINDING,
  type ClientContext,
  type ClientResult,
  type ClientScenario,
  type ClientTarget,
  type Credentials,
  expectationProblems,
  type RepositoryMarker,
} from './client/scenario.js'
export { type Comparison, compareRuns, type StepComparison, type StepVerdict } from './compare.js'
export {
  type DifferentialOptions,
  type DifferentialPair,
  type DifferentialTarget,
  describeClientDifferential,
  describeProtocolDifferential,
  type RunningRegistry,
} from './describe.js'
export type { ExpectedDifference, Observation } from './observation.js'
export { type Compare, normaliseHeader, Probe } from './probe.js'
export { PROTOCOL_SCENARIOS } from './protocol/index.js'
export type { ProtocolScenario } from './protocol/requests.js'
export { DifferentialReport } from './report.js'
