import type { DeliberateDifference } from './outcome-table.js'
import { inProcess, registry2 } from './targets.js'

// distribution re-challenges; we deny. Both refuse, and skopeo reports both as "denied".
const INSUFFICIENT_SCOPE =
  'distribution 2.8.2 answers a valid token that lacks the scope with 401 and an ' +
  '`insufficient_scope` challenge (so a client may fetch a wider token), where our registry ' +
  'answers 403 DENIED, as the OCI distribution spec and the design (§4: valid credentials ' +
  'without the right → 403) say. Both refuse the request.'

/**
 * The differences between `registry:2` and our registry that the scenarios are allowed to show,
 * each with the exact outcomes and the reason. Any other difference fails the run.
 */
export const DELIBERATE_DIFFERENCES: readonly DeliberateDifference[] = [
  {
    scenario: 'get-repository',
    outcomes: {
      [registry2.name]: 'found e2e/app at <registry>/e2e/app; createdAt null',
      [inProcess.name]: 'found e2e/app at <registry>/e2e/app; createdAt set',
    },
    reason:
      'distribution 2.8.2 sends no Last-Modified for manifests and has no other creation time, ' +
      'so the provider reports null, as the contract allows, instead of guessing; our registry ' +
      "sends the marker's Last-Modified.",
  },
  {
    scenario: 'push-with-pull-credentials',
    outcomes: {
      [registry2.name]: 'refused: HTTP 401 UNAUTHORIZED',
      [inProcess.name]: 'refused: HTTP 403 DENIED',
    },
    reason: INSUFFICIENT_SCOPE,
  },
  {
    scenario: 'other-repository',
    outcomes: {
      [registry2.name]: 'refused: HTTP 401 UNAUTHORIZED',
      [inProcess.name]: 'refused: HTTP 403 DENIED',
    },
    reason: INSUFFICIENT_SCOPE,
  },
]
