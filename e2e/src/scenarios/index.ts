import { expiredCredentials, pullCredentials, pushPullCredentials } from './credentials.js'
import {
  otherRepositoryRefused,
  parallelPushes,
  pullImage,
  pushImage,
  pushWithPullRefused,
} from './images.js'
import { createRepository, deleteRepository, getRepository } from './repository.js'
import type { Scenario } from './scenario.js'

export {
  type DetailExpectation,
  detailPatterns,
  type Fixtures,
  runScenario,
  type Scenario,
  type ScenarioContext,
  type ScenarioResult,
  type ScenarioState,
} from './scenario.js'

/**
 * The scenarios, in the order they run against each target: later rows use what earlier ones
 * created (the repository, its credentials, the pushed image).
 */
export const SCENARIOS: readonly Scenario[] = [
  createRepository,
  getRepository,
  pullCredentials,
  pushPullCredentials,
  pushImage,
  pullImage,
  pushWithPullRefused,
  otherRepositoryRefused,
  expiredCredentials,
  deleteRepository,
  parallelPushes,
]
