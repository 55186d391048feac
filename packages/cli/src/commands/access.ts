import {
  type ComputeServiceType,
  type CrossAccountAccess,
  type CrossAccountPermissions,
  isArtifactRegistryError,
} from '@artifact-registry/core'
import { type Command, Option } from 'commander'
import { type CommandContext, withBindingOptions } from '../context.js'
import { UsageError } from '../failure.js'
import { isoOrNull, relativeTime } from '../format.js'
import { collect, collectChoice } from '../option-values.js'
import { grantScopeNotice } from '../scope-notice.js'
import { grantsNothing, revokedGrants } from './revoked-grants.js'

/** The flags of `access add|remove`; each repeatable flag collects its values. */
interface GrantFlags {
  type: 'aws' | 'gcp'
  accountId?: string[]
  roleArn?: string[]
  region?: string[]
  projectNumber?: string[]
  serviceAccount?: string[]
  serviceType?: string[]
}

/** The compute services a grant may name (core's `ComputeServiceType`). */
const SERVICE_TYPES: readonly ComputeServiceType[] = ['worker']

/** Flags that belong to one grant type only, to refuse them with the other. */
const TYPE_FLAGS = {
  aws: ['accountId', 'roleArn', 'region'],
  gcp: ['projectNumber', 'serviceAccount'],
} as const satisfies Record<GrantFlags['type'], readonly (keyof GrantFlags)[]>

const FLAG_NAMES: Record<string, string> = {
  accountId: '--account-id',
  roleArn: '--role-arn',
  region: '--region',
  projectNumber: '--project-number',
  serviceAccount: '--service-account',
}

/** `access get NAME` and `access add|remove NAME --type aws|gcp …`. */
export function addAccessCommands(program: Command, context: CommandContext): void {
  const access = program
    .command('access')
    .description("read and change other accounts' pull access to a repository")

  withBindingOptions(access.command('get').argument('<name>', 'routable name'))
    .description('show the cross-account grants this library manages on a repository')
    .action(async (name: string, _options: object, command: Command) => {
      const found = await context.withRegistry(command, (registry) =>
        registry.getCrossAccountAccess(name),
      )
      context.terminal(command).result(permissionsJson(found), () => describePermissions(found))
    })

  for (const [verb, description] of [
    ['add', 'grant pull access (merged into what is granted)'],
    ['remove', 'revoke exactly the given grants (others stay)'],
  ] as const) {
    grantFlags(withBindingOptions(access.command(verb).argument('<name>', 'routable name')))
      .description(description)
      .action(async (name: string, flags: GrantFlags, command: Command) => {
        const grant = toAccess(flags)
        const terminal = context.terminal(command)
        if (verb === 'add') {
          const notice = await context.withRegistry(command, async (registry) => {
            await registry.addCrossAccountAccess(name, grant)
            return grantScopeNotice(registry.platform, registry.capabilities, name, verb)
          })
          // On stderr, so the JSON on stdout keeps its shape; said whenever the change was made.
          if (notice !== undefined) context.io.stderr.write(`${notice}\n`)
          terminal.result(
            { name, added: grant },
            () => `granted on ${name}: ${describeAccess(grant)}`,
          )
          return
        }
        const { revoked, notice } = await context.withRegistry(command, async (registry) => {
          const before = await registry.getCrossAccountAccess(name)
          await registry.removeCrossAccountAccess(name, grant)
          const after = await registry.getCrossAccountAccess(name).catch((error: unknown) => {
            throw readBackFailed(name, error)
          })
          return {
            revoked: revokedGrants(before.access, after.access),
            notice: grantScopeNotice(registry.platform, registry.capabilities, name, verb),
          }
        })
        if (notice !== undefined) context.io.stderr.write(`${notice}\n`)
        const nothing = grantsNothing(revoked)
        // On stderr too, so a script reading the JSON (or a log of stderr) hears it.
        if (nothing) {
          context.io.stderr.write(
            `note: nothing was revoked on ${name}: none of it was granted (access get lists what is)\n`,
          )
        }
        terminal.result({ name, removed: grant, revoked }, () =>
          nothing
            ? `nothing revoked on ${name}: not granted: ${describeAccess(grant)}`
            : `revoked on ${name}: ${describeAccess(revoked)}`,
        )
      })
  }
}

/**
 * The removal was made, but what is granted now could not be read: the command cannot say what
 * it revoked, so it fails rather than claim a revocation it did not see (running it again is
 * safe, and says).
 */
function readBackFailed(name: string, error: unknown): unknown {
  if (!isArtifactRegistryError(error)) return error
  error.message = `access remove made its change on ${name}, but reading back what is granted failed, so what was revoked is unknown (run it again, or access get): ${error.message}`
  return error
}

function grantFlags(command: Command): Command {
  return command
    .addOption(
      new Option('--type <type>', 'the other accounts’ cloud')
        .choices(['aws', 'gcp'])
        .makeOptionMandatory(),
    )
    .option('--account-id <id>', 'aws: a 12-digit account id (repeatable)', collect)
    .option('--role-arn <arn>', 'aws: an IAM role ARN (repeatable)', collect)
    .option(
      '--region <region>',
      'aws: a region of the Lambda functions allowed to pull (repeatable)',
      collect,
    )
    .option('--project-number <number>', 'gcp: a project number (repeatable)', collect)
    .option('--service-account <email>', 'gcp: a service account email (repeatable)', collect)
    .addOption(
      new Option('--service-type <type>', 'a compute service allowed to pull (repeatable)')
        // The choices are listed in help and completion; the parser checks them and collects.
        .choices(SERVICE_TYPES)
        .argParser(collectChoice(SERVICE_TYPES)),
    )
}

/** The grant the flags describe; a flag of the other type is a usage error. */
export function toAccess(flags: GrantFlags): CrossAccountAccess {
  const other = flags.type === 'aws' ? 'gcp' : 'aws'
  const misplaced = TYPE_FLAGS[other].filter((flag) => flags[flag] !== undefined)
  if (misplaced.length > 0) {
    const names = misplaced.map((flag) => FLAG_NAMES[flag]).join(', ')
    throw new UsageError(
      `${names} ${misplaced.length === 1 ? 'is' : 'are'} for --type ${other}, not ${flags.type}`,
    )
  }
  const allowedServiceTypes = (flags.serviceType ?? []) as ComputeServiceType[]
  refuseEmptyGrant(flags)
  if (flags.type === 'aws') {
    return {
      type: 'aws',
      accountIds: flags.accountId ?? [],
      roleArns: flags.roleArn ?? [],
      regions: flags.region ?? [],
      allowedServiceTypes,
    }
  }
  return {
    type: 'gcp',
    projectNumbers: flags.projectNumber ?? [],
    serviceAccountEmails: flags.serviceAccount ?? [],
    allowedServiceTypes,
  }
}

/**
 * A grant that names nothing changes nothing: `access remove NAME --type aws` (meaning "take the
 * AWS access away") left every account pulling while the command said it revoked, and exited 0.
 */
function refuseEmptyGrant(flags: GrantFlags): void {
  const own = [...TYPE_FLAGS[flags.type], 'serviceType'] as const
  if (own.some((flag) => (flags[flag]?.length ?? 0) > 0)) return
  const names = [...TYPE_FLAGS[flags.type].map((flag) => FLAG_NAMES[flag]), '--service-type']
  throw new UsageError(
    `name what to grant or revoke with --type ${flags.type}: ${names.join(', ')} (a grant of nothing changes nothing; access get lists what is granted)`,
  )
}

function permissionsJson(permissions: CrossAccountPermissions): {
  access: CrossAccountAccess
  lastUpdated: string | null
} {
  return { access: permissions.access, lastUpdated: isoOrNull(permissions.lastUpdated) }
}

function describePermissions(permissions: CrossAccountPermissions): string {
  const updated =
    permissions.lastUpdated === null ? 'unknown' : relativeTime(permissions.lastUpdated)
  return `${describeAccess(permissions.access)}\nlast updated: ${updated}`
}

function describeAccess(access: CrossAccountAccess): string {
  const lists: [string, readonly string[]][] =
    access.type === 'aws'
      ? [
          ['accounts', access.accountIds],
          ['roles', access.roleArns],
          ['regions', access.regions],
          ['service types', access.allowedServiceTypes],
        ]
      : [
          ['projects', access.projectNumbers],
          ['service accounts', access.serviceAccountEmails],
          ['service types', access.allowedServiceTypes],
        ]
  return [
    `type: ${access.type}`,
    ...lists.map(([label, values]) => `${label}: ${values.join(', ') || '-'}`),
  ].join('\n')
}
