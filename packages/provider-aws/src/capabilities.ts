import { type Capabilities, TTL_RULES } from '@artifact-registry/core'
import type { ResolvedOptions } from './options.js'

/**
 * What this provider supports, true to the code: AWS-style cross-account grants, explicit
 * repositories, Basic credentials. Credentials are repository-scoped when every permission that
 * can be minted goes through a role; when registry-wide credentials are allowed for a missing
 * role, they are not, and their lifetime is the ECR token's own (the request cannot change it).
 */
export function capabilitiesOf(options: ResolvedOptions): Capabilities {
  const unscopedPossible = options.allowUnscopedCredentials && options.pushRoleArn === undefined
  const anyRole = options.pullRoleArn !== undefined || options.pushRoleArn !== undefined
  return {
    crossAccountAccess: 'aws',
    implicitRepositories: false,
    credentialAuthMethod: 'basic',
    repositoryScopedCredentials: anyRole && !unscopedPossible,
    credentialTtl: unscopedPossible ? { ...TTL_RULES.aws, honoursRequest: false } : TTL_RULES.aws,
  }
}
