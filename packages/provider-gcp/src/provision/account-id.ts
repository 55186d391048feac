import { createHash } from 'node:crypto'
import { isValidPlatformName } from '@artifact-registry/core'

// IAM's limit on an account id (6-30 characters; the lower bound always holds here: the shortest
// derived id, `a-us-pull`, has 9).
const MAX_ACCOUNT_ID = 30
// Hex characters of the hash an id too long to be spelled out gets.
const HASH_LENGTH = 6

/**
 * @internal The id of the pull or push account of a GAR repository when none is given:
 * `{repository}-{location}-{access}` (e.g. `images-us-central1-pull`), so the same repository id in
 * two locations of a project gets distinct accounts. When that breaks IAM's rule (longer than 30),
 * `{repository}-{location}` is cut to fit and a hash of the location and repository goes before
 * the access: `a-long-repository-e-3f9a1c-push`. The same location and repository always give the
 * same id. Two GAR repositories that still meet on one id (the hash's rare collision, or ids such
 * as `a-b` in `c` and `a` in `b-c`) cannot share it: the account's ownership mark names the GAR
 * repository it was made for, and provisioning the other one is refused with `CONFLICT`.
 */
export function derivedAccountId(
  location: string,
  repository: string,
  access: 'pull' | 'push',
): string {
  const readable = `${repository}-${location}-${access}`
  if (isValidPlatformName('gcp-service-account', readable)) return readable
  const hash = createHash('sha256')
    .update(`${location}/${repository}`, 'utf8')
    .digest('hex')
    .slice(0, HASH_LENGTH)
  const tail = `-${hash}-${access}`
  const stem = `${repository}-${location}`.slice(0, MAX_ACCOUNT_ID - tail.length).replace(/-+$/, '')
  return `${stem}${tail}`
}
