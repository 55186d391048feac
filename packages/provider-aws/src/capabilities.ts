import { type Capabilities, TTL_RULES } from '@artifact-registry/core'
import type { ResolvedOptions } from './options.js'

/**
 * What this provider supports when every permission it can mint goes through a role: AWS-style
 * cross-account grants, explicit repositories, Basic credentials scoped to one repository, STS's
 * lifetimes. {@link capabilitiesOf} narrows it for the options actually given.
 */
export const AWS_CAPABILITIES: Readonly<Capabilities> = Object.freeze({
  crossAccountAccess: 'aws',
  implicitRepositories: false,
  credentialAuthMethod: 'basic',
  repositoryScopedCredentials: true,
  // A repository policy belongs to one ECR repository: a grant reaches that repository only.
  repositoryScopedGrants: true,
  listRepositories: true,
  // An STS session or an ECR token handed out cannot be taken back before its expiry.
  revokesCredentialsOnDelete: false,
  credentialTtl: TTL_RULES.aws,
})

/**
 * The capabilities of a provider with these options, true to the code. Credentials are
 * repository-scoped only when every permission that can be minted goes through a role; when
 * registry-wide credentials are allowed for a missing role, they are not, and their lifetime is
 * the ECR token's own (the request cannot change it).
 */
export function capabilitiesOf(options: ResolvedOptions): Readonly<Capabilities> {
  const unscopedPossible = options.allowUnscopedCredentials && options.pushRoleArn === undefined
  const anyRole = options.pullRoleArn !== undefined || options.pushRoleArn !== undefined
  if (anyRole && !unscopedPossible) return AWS_CAPABILITIES
  return Object.freeze({
    ...AWS_CAPABILITIES,
    repositoryScopedCredentials: false,
    credentialTtl: unscopedPossible
      ? { ...TTL_RULES.aws, honoursRequest: false }
      : AWS_CAPABILITIES.credentialTtl,
  })
}
