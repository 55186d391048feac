import { expiredCredentials, pullCredentials, pushPullCredentials } from './credentials.js'
import {
  otherRepositoryRefused,
  parallelPushes,
  pullImage,
  pushImage,
  pushWithPullRefused,
} from './images.js'
import { createRepository, deleteRepository, getRepository } from './repository.js'
import type { ClientScenario } from './scenario.js'

/**
 * The client scenarios, in the order they run against each target: later ones use what earlier
 * ones created (the repository, its credentials, the pushed image).
 */
export const CLIENT_SCENARIOS: readonly ClientScenario[] = [
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
