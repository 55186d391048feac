import {
  type CrossAccountAccess,
  type GcpCrossAccountAccess,
  type KnownOptions,
  unknownFieldProblem,
} from '@artifact-registry/core'
import { platformError } from './map-error.js'
import { EMAIL } from './options.js'

/** @internal The Cloud Run service agent of a project: what `worker` pulls with. */
export const SERVICE_AGENT: RegExp =
  /^serviceAccount:service-(\d+)@serverless-robot-prod\.iam\.gserviceaccount\.com$/
const PROJECT_NUMBER = /^[1-9]\d{5,19}$/
/** The fields of a GCP access; the compiler keeps the list in step with the type. */
const ACCESS_FIELDS = Object.keys({
  type: true,
  projectNumbers: true,
  serviceAccountEmails: true,
  allowedServiceTypes: true,
} satisfies KnownOptions<GcpCrossAccountAccess>)

/** @internal IAM member of a project's Cloud Run service agent. */
export function serviceAgentMember(projectNumber: string): string {
  return `serviceAccount:service-${projectNumber}@serverless-robot-prod.iam.gserviceaccount.com`
}

/**
 * @internal Validate cross-account access for GCP. `worker` and `projectNumbers` go together:
 * a project is granted through its Cloud Run service agent, so one without the other would
 * grant nothing and could not round-trip through `getCrossAccountAccess`.
 *
 * @param reserved the provider's own service accounts, whose access the infrastructure owns.
 * @throws ArtifactRegistryError `INVALID_ARGUMENT` naming the first bad value.
 */
export function checkGcpAccess(
  access: CrossAccountAccess,
  reserved: readonly string[],
): GcpCrossAccountAccess {
  if (access?.type !== 'gcp') {
    // A string is quoted, anything else named by its type: String() throws on an object without
    // a prototype, and the caller would get that TypeError instead of this error.
    const type: unknown = access?.type
    const shown = typeof type === 'string' ? `"${type}"` : typeof type
    throw invalid(`expected cross-account access of type "gcp", got ${shown}`)
  }
  // Before the fields' own checks: a misspelt field is then named with the one it stands for,
  // and one that is ignored could make a removal answer done while the grant stays.
  const unknown = unknownFieldProblem(access, ACCESS_FIELDS)
  if (unknown !== undefined) throw invalid(unknown)
  const projectNumbers = stringList(access.projectNumbers, 'projectNumbers')
  const emails = stringList(access.serviceAccountEmails, 'serviceAccountEmails')
  const types = stringList(access.allowedServiceTypes, 'allowedServiceTypes')
  const badNumber = projectNumbers.find((n) => !PROJECT_NUMBER.test(n))
  if (badNumber !== undefined) throw invalid(`"${badNumber}" is not a project number`)
  const badEmail = emails.find((e) => !EMAIL.test(e))
  if (badEmail !== undefined) {
    throw invalid(`"${badEmail}" is not a bare service account email (no "serviceAccount:" prefix)`)
  }
  const badType = types.find((t) => t !== 'worker')
  if (badType !== undefined) throw invalid(`unknown service type "${badType}"`)
  if (projectNumbers.length > 0 !== types.includes('worker')) {
    throw invalid('projectNumbers and allowedServiceTypes ["worker"] must be given together')
  }
  const own = emails.find((e) => reserved.includes(e.toLowerCase()))
  if (own !== undefined) {
    throw invalid(
      `"${own}" is this provider's own service account; its access is not a cross-account grant`,
    )
  }
  return {
    type: 'gcp',
    projectNumbers: unique(projectNumbers),
    serviceAccountEmails: unique(emails),
    allowedServiceTypes: types.length > 0 ? ['worker'] : [],
  }
}

/** @internal The IAM members that carry an access grant. */
export function membersOf(access: GcpCrossAccountAccess): string[] {
  return [
    ...access.serviceAccountEmails.map((e) => `serviceAccount:${e}`),
    ...access.projectNumbers.map(serviceAgentMember),
  ]
}

/**
 * @internal The access a set of members grants. Only `serviceAccount:` members can be expressed;
 * others (users, groups, domains, deleted accounts) are not ours and are left out, as are the
 * `reserved` service accounts.
 */
export function accessOf(
  members: Iterable<string>,
  reserved: readonly string[],
): GcpCrossAccountAccess {
  const projectNumbers = new Set<string>()
  const emails = new Set<string>()
  for (const member of members) {
    const agent = SERVICE_AGENT.exec(member)
    if (agent?.[1] !== undefined) projectNumbers.add(agent[1])
    else if (member.startsWith('serviceAccount:')) {
      const email = member.slice('serviceAccount:'.length)
      if (EMAIL.test(email) && !reserved.includes(email.toLowerCase())) emails.add(email)
    }
  }
  return {
    type: 'gcp',
    projectNumbers: [...projectNumbers].sort(),
    serviceAccountEmails: [...emails].sort(),
    allowedServiceTypes: projectNumbers.size > 0 ? ['worker'] : [],
  }
}

// --- Internal ---

function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw invalid(`${field} must be a list of strings`)
  }
  return value as string[]
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)]
}

function invalid(message: string): Error {
  return platformError('INVALID_ARGUMENT', `Invalid cross-account access: ${message}`)
}
