import type { KnownDetailDifference } from './outcome-table.js'
import { inProcess, registry2 } from './targets.js'

// distribution re-challenges; we deny. Both refuse, and skopeo reports both as "denied".
const INSUFFICIENT_SCOPE =
  'distribution 2.8.2 answers a valid token that lacks the scope with 401 and an ' +
  '`insufficient_scope` challenge (so a client may fetch a wider token), where our registry ' +
  'answers 403 DENIED, as the OCI distribution spec and docs/design.md#refusals (valid ' +
  'credentials without the right → 403) say. Both refuse the request.'

const REFUSED = {
  [registry2.name]: 'HTTP 401 UNAUTHORIZED (insufficient_scope)',
  [inProcess.name]: 'HTTP 403 DENIED',
}

/**
 * The differences in detail between `registry:2` and our registry, each with the exact detail of
 * every target and the reason. Outcomes never differ; any other difference in detail fails the
 * run.
 */
export const KNOWN_DETAIL_DIFFERENCES: readonly KnownDetailDifference[] = [
  {
    scenario: 'get-repository',
    details: { [registry2.name]: 'createdAt null', [inProcess.name]: 'createdAt set' },
    reason:
      'distribution 2.8.2 sends no Last-Modified for manifests and has no other creation time, ' +
      'so the provider reports null, as the contract allows, instead of guessing; our registry ' +
      "sends the marker's Last-Modified.",
  },
  { scenario: 'push-with-pull-credentials', details: REFUSED, reason: INSUFFICIENT_SCOPE },
  { scenario: 'other-repository', details: REFUSED, reason: INSUFFICIENT_SCOPE },
]
