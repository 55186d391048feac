import { Option } from 'commander'
import { UsageError } from '../failure.js'
import { collect, portNumber } from '../option-values.js'

/** A flag of one or more platforms' provisioning and the option field it sets. */
export interface PlatformFlag {
  readonly flag: string
  readonly field: string
  readonly platforms: readonly Platform[]
  readonly description: string
  /** Repeatable: each value is appended to the field's list. */
  readonly list?: true
  readonly parse?: (value: string) => unknown
}

export const PLATFORMS = ['aws', 'gcp', 'azure', 'local'] as const
export type Platform = (typeof PLATFORMS)[number]

/**
 * The flags of each platform's provisioning; anything else goes in `--options-file`. Each field
 * is an option of that provider's `provision` (its README lists them), which validates it.
 */
export const PLATFORM_FLAGS: readonly PlatformFlag[] = [
  {
    flag: '--name <name>',
    field: 'name',
    platforms: ['aws'],
    description: 'aws: names the roles {name}-pull and {name}-push',
  },
  {
    flag: '--region <region>',
    field: 'region',
    platforms: ['aws'],
    description: 'aws: home region of the repositories',
  },
  {
    flag: '--repository-prefix <prefix>',
    field: 'repositoryPrefix',
    platforms: ['aws'],
    description: 'aws: prefix of the repositories (default: --name)',
  },
  {
    flag: '--trusted-principal <arn>',
    field: 'trustedPrincipals',
    platforms: ['aws'],
    list: true,
    description: 'aws: a role or user ARN of the runtime (repeatable)',
  },
  {
    flag: '--replication-region <region>',
    field: 'replicationRegions',
    platforms: ['aws'],
    list: true,
    description: 'aws: a region holding replicas (repeatable)',
  },
  {
    flag: '--project-id <id>',
    field: 'projectId',
    platforms: ['gcp'],
    description: 'gcp: the project',
  },
  {
    flag: '--location <location>',
    field: 'location',
    platforms: ['gcp', 'azure'],
    description: 'gcp, azure: the location (region)',
  },
  {
    flag: '--repository <name>',
    field: 'repository',
    platforms: ['gcp'],
    description: 'gcp: the Artifact Registry repository',
  },
  {
    flag: '--runtime-member <member>',
    field: 'runtimeMember',
    platforms: ['gcp'],
    description: 'gcp: the IAM member the runtime signs in as',
  },
  {
    flag: '--subscription-id <id>',
    field: 'subscriptionId',
    platforms: ['azure'],
    description: 'azure: the subscription',
  },
  {
    flag: '--resource-group <name>',
    field: 'resourceGroup',
    platforms: ['azure'],
    description: 'azure: the resource group',
  },
  {
    flag: '--registry-name <name>',
    field: 'registryName',
    platforms: ['azure'],
    description: 'azure: the ACR registry',
  },
  {
    flag: '--sku <sku>',
    field: 'sku',
    platforms: ['azure'],
    description: 'azure: Basic, Standard or Premium',
  },
  {
    flag: '--runtime-principal-id <id>',
    field: 'runtimePrincipalId',
    platforms: ['azure'],
    description: 'azure: object id of the runtime principal',
  },
  {
    flag: '--url <url>',
    field: 'url',
    platforms: ['local'],
    description: 'local: a running registry (artifact-registry serve)',
  },
  {
    flag: '--data-dir <dir>',
    field: 'dataDir',
    platforms: ['local'],
    description: 'local: a data directory for an embedded registry',
  },
  {
    flag: '--port <port>',
    field: 'port',
    platforms: ['local'],
    parse: portNumber,
    description: "local: the embedded registry's port",
  },
  {
    flag: '--binding-name <name>',
    field: 'bindingName',
    platforms: ['local'],
    description: 'local: namespace of the binding',
  },
  {
    flag: '--admin-username <name>',
    field: 'adminUsername',
    platforms: ['local'],
    description: 'local: admin of the registry at --url',
  },
  {
    flag: '--admin-password-env <variable>',
    field: 'adminPasswordEnv',
    platforms: ['local'],
    description:
      'local: the variable holding the admin password (default ARTIFACT_REGISTRY_ADMIN_PASSWORD)',
  },
]

/** The flag's option key as commander names it: `--data-dir <dir>` → `dataDir`. */
function optionKey(flag: string): string {
  const long = flag.split(' ')[0]?.slice(2) ?? ''
  return long.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())
}

/** The commander options of every platform's flags, for `provision` and `deprovision`. */
export function platformFlagOptions(): Option[] {
  return PLATFORM_FLAGS.map(({ flag, description, parse, list }) => {
    const option = new Option(flag, description)
    if (list) option.argParser(collect)
    else if (parse !== undefined) option.argParser(parse)
    return option
  })
}

/** The option fields the platform's flags set; a flag of another platform is a usage error. */
export function platformOptions(
  platform: Platform,
  flags: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const given = PLATFORM_FLAGS.filter((f) => flags[optionKey(f.flag)] !== undefined)
  const misplaced = given.filter((f) => !f.platforms.includes(platform))
  if (misplaced.length > 0) {
    const names = misplaced.map((f) => f.flag.split(' ')[0]).join(', ')
    throw new UsageError(
      `${names} ${misplaced.length === 1 ? 'is not a flag' : 'are not flags'} of ${platform} provisioning`,
    )
  }
  return Object.fromEntries(given.map((f) => [f.field, flags[optionKey(f.flag)]]))
}

/**
 * The flags that set the options `fields` names (issue paths such as `trustedPrincipals` or
 * `trustedPrincipals[0]`) on this platform, as `field (--flag)`: a provider's refusal names its
 * options, and the command's user may know only the flags.
 */
export function flagsOfFields(platform: Platform, fields: readonly string[]): string[] {
  const named = new Set(fields.map((path) => /^[A-Za-z]+/.exec(path)?.[0]))
  return PLATFORM_FLAGS.filter((f) => f.platforms.includes(platform) && named.has(f.field)).map(
    (f) => `${f.field} (${f.flag.split(' ')[0]})`,
  )
}
