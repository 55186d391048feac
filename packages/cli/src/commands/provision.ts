import { readFile } from 'node:fs/promises'
import {
  ArtifactRegistryError,
  type ProvisionChange,
  type ProvisionResult,
} from '@artifact-registry/core'
import { Argument, type Command, Option } from 'commander'
import type { CommandContext } from '../context.js'
import { UsageError } from '../failure.js'
import { formatTable } from '../format.js'
import { abortable } from '../interrupt.js'
import { collect, portNumber } from '../option-values.js'
import { importOptional } from '../optional-package.js'
import { writePrivateFile } from '../private-file.js'
import type { Terminal } from '../terminal.js'

/** What a provider's `/provision` subpath exports. */
interface ProvisionModule {
  provision(options: Record<string, unknown>): Promise<ProvisionResult>
  deprovision(options: Record<string, unknown>): Promise<ProvisionResult>
}

/** A flag of one or more platforms' provisioning and the option field it sets. */
interface PlatformFlag {
  readonly flag: string
  readonly field: string
  readonly platforms: readonly Platform[]
  readonly description: string
  /** Repeatable: each value is appended to the field's list. */
  readonly list?: true
  readonly parse?: (value: string) => unknown
}

const PLATFORMS = ['aws', 'gcp', 'azure', 'local'] as const
type Platform = (typeof PLATFORMS)[number]

/**
 * The flags of each platform's provisioning; anything else goes in `--options-file`. Each field
 * is an option of that provider's `provision` (its README lists them), which validates it.
 */
const PLATFORM_FLAGS: readonly PlatformFlag[] = [
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

interface ProvisionFlags {
  optionsFile?: string
  dryRun?: boolean
  force?: boolean
  output?: string
  [flag: string]: unknown
}

/** `provision|deprovision aws|gcp|azure|local [options] [--dry-run] [--force] [--output FILE]`. */
export function addProvisionCommands(program: Command, context: CommandContext): void {
  for (const verb of ['provision', 'deprovision'] as const) {
    const command = program
      .command(verb)
      .description(
        verb === 'provision'
          ? 'create or converge what a binding needs on a platform, and print the binding'
          : 'delete what provision made (refused while repositories remain, unless --force)',
      )
      .addArgument(new Argument('<platform>', 'the platform').choices(PLATFORMS))
      .option('--options-file <file>', "a JSON file with the platform's provision options")
      .option('--dry-run', 'report the changes and make none', false)
    if (verb === 'deprovision')
      command.option('--force', 'delete even though repositories or images remain', false)
    if (verb === 'provision')
      command.option('--output <file>', 'write the binding JSON to this file (mode 0600)')
    for (const { flag, description, parse, list } of PLATFORM_FLAGS) {
      const option = new Option(flag, description)
      if (list) option.argParser(collect)
      else if (parse !== undefined) option.argParser(parse)
      command.addOption(option)
    }
    command.action(async (platform: Platform, flags: ProvisionFlags, cmd: Command) => {
      const terminal = context.terminal(cmd)
      const options = {
        ...(await readOptionsFile(flags.optionsFile)),
        ...platformOptions(platform, flags),
        dryRun: flags.dryRun === true,
        ...(verb === 'deprovision' && flags.force === true && { force: true }),
        signal: context.signal,
        onChange: (change: ProvisionChange) => terminal.progress(describeChange(change)),
      }
      const pkg = `@artifact-registry/provider-${platform}`
      const module = await importOptional(
        `${pkg}/provision`,
        pkg,
        () => import(/* @vite-ignore */ `${pkg}/provision`) as Promise<ProvisionModule>,
      )
      // The signal cancels between platform calls; a call under way is abandoned at once.
      const result = await abortable(module[verb](options), context.signal)
      if (flags.output !== undefined && !options.dryRun) {
        await writePrivateFile(flags.output, `${JSON.stringify(result.binding, null, 2)}\n`)
      }
      report(terminal, { platform, verb, dryRun: options.dryRun, output: flags.output, result })
    })
  }
}

/** The option fields the platform's flags set; a flag of another platform is a usage error. */
function platformOptions(platform: Platform, flags: ProvisionFlags): Record<string, unknown> {
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

async function readOptionsFile(file: string | undefined): Promise<Record<string, unknown>> {
  if (file === undefined) return {}
  let json: unknown
  try {
    json = JSON.parse(await readFile(file, 'utf8'))
  } catch (cause) {
    throw new ArtifactRegistryError(
      'INVALID_CONFIG',
      `The options file ${file} is not readable JSON`,
      {
        cause,
        issues: [{ path: file, message: 'is not readable JSON' }],
      },
    )
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ArtifactRegistryError(
      'INVALID_CONFIG',
      `The options file ${file} must hold a JSON object`,
      {
        issues: [{ path: file, message: 'must hold a JSON object' }],
      },
    )
  }
  return json as Record<string, unknown>
}

function describeChange(change: ProvisionChange): string {
  return `${change.action} ${change.kind} ${change.id}${change.detail === undefined ? '' : ` (${change.detail})`}`
}

function report(
  terminal: Terminal,
  run: {
    platform: string
    verb: string
    dryRun: boolean
    output: string | undefined
    result: ProvisionResult
  },
): void {
  const { platform, verb, dryRun, output, result } = run
  terminal.result({ platform, dryRun, binding: result.binding, changes: result.changes }, () => {
    const changes =
      result.changes.length === 0
        ? 'no changes'
        : formatTable(
            ['ACTION', 'KIND', 'ID', 'DETAIL'],
            result.changes.map((c) => [c.action, c.kind, c.id, c.detail ?? '']),
          )
    const heading = `${verb} ${platform}${dryRun ? ' (dry run: nothing changed)' : ''}`
    const binding =
      verb !== 'provision'
        ? ''
        : output !== undefined && !dryRun
          ? `\nbinding written to ${output}`
          : `\nbinding:\n${JSON.stringify(result.binding, null, 2)}`
    return `${heading}\n${changes}${binding}`
  })
}
