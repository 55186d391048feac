import {
  type ArtifactRegistryError,
  type AwsCrossAccountAccess,
  type CrossAccountAccess,
  type KnownOptions,
  unknownFieldProblem,
} from '@artifact-registry/core'
import {
  type Partition,
  partitionOf,
  REGION_PATTERN,
  ROLE_ARN_PATTERN,
  ROLE_ARN_SHAPE,
} from './arn.js'
import { platformError } from './map-error.js'

/** The fields of an AWS access; the compiler keeps the list in step with the type. */
const ACCESS_FIELDS = Object.keys({
  type: true,
  accountIds: true,
  roleArns: true,
  regions: true,
  allowedServiceTypes: true,
} satisfies KnownOptions<AwsCrossAccountAccess>)

/**
 * Validate a cross-account access value. `worker` without an account is refused for both changes
 * (it names no functions). For `add`, also refuse regions without `worker`, which would be
 * silently dropped, so every grant that is accepted reads back exactly. A field it does not know
 * is refused: a misspelt one would be ignored, and a removal answered as done.
 *
 * @throws ArtifactRegistryError `INVALID_ARGUMENT` naming the first bad field.
 */
export function checkAccess(
  access: CrossAccountAccess,
  partition: Partition,
  change: 'add' | 'remove',
): AwsCrossAccountAccess {
  if (typeof access !== 'object' || access === null || access.type !== 'aws') {
    const type = (access as { type?: unknown } | null)?.type
    throw invalid(`expected cross-account access of type "aws", got ${shownType(type)}`)
  }
  // Before the fields' own checks: a misspelt field is then named with the one it stands for.
  const unknown = unknownFieldProblem(access, ACCESS_FIELDS)
  if (unknown !== undefined) throw invalid(unknown)
  for (const field of ['accountIds', 'roleArns', 'regions', 'allowedServiceTypes'] as const) {
    if (!Array.isArray(access[field]) || access[field].some((v) => typeof v !== 'string')) {
      throw invalid(`${field} must be an array of strings`)
    }
  }
  checkValues(access, partition)
  checkWorkerAccounts(access)
  if (change === 'add') checkMeaningful(access)
  return access
}

// --- Internal ---

function checkValues(access: AwsCrossAccountAccess, partition: Partition): void {
  const badAccount = access.accountIds.find((id) => !/^\d{12}$/.test(id))
  if (badAccount !== undefined) {
    throw invalid(`accountIds: "${badAccount}" is not a 12-digit AWS account id`)
  }
  for (const arn of access.roleArns) {
    const match = ROLE_ARN_PATTERN.exec(arn)
    if (match === null) {
      throw invalid(`roleArns: "${arn}" is not an IAM role ARN (${ROLE_ARN_SHAPE})`)
    }
    if (match[1] !== partition.id) {
      throw invalid(`roleArns: "${arn}" is not in partition ${partition.id}`)
    }
  }
  for (const region of access.regions) {
    if (!REGION_PATTERN.test(region) || partitionOf(region).id !== partition.id) {
      throw invalid(`regions: "${region}" is not an AWS region of partition ${partition.id}`)
    }
  }
  const badType = access.allowedServiceTypes.find((t) => t !== 'worker')
  if (badType !== undefined) {
    throw invalid(`allowedServiceTypes: "${badType}" is not supported (only "worker")`)
  }
}

/**
 * `worker` is the Lambda functions of the accounts named: without one it grants, and revokes,
 * nothing. A removal that answered success for it would leave every function pulling.
 */
function checkWorkerAccounts(access: AwsCrossAccountAccess): void {
  if (access.allowedServiceTypes.includes('worker') && access.accountIds.length === 0) {
    throw invalid('allowedServiceTypes ["worker"] needs at least one account id in accountIds')
  }
}

function checkMeaningful(access: AwsCrossAccountAccess): void {
  const worker = access.allowedServiceTypes.includes('worker')
  if (access.regions.length > 0 && !worker) {
    throw invalid('regions name Lambda regions: they need allowedServiceTypes ["worker"]')
  }
}

/**
 * A `type` as the message shows it: a string quoted, anything else by its type, since
 * JSON.stringify throws on a bigint and the caller would get that TypeError instead.
 */
function shownType(type: unknown): string {
  return typeof type === 'string' ? JSON.stringify(type) : typeof type
}

function invalid(message: string): ArtifactRegistryError {
  return platformError('INVALID_ARGUMENT', `Invalid cross-account access: ${message}`)
}
