import { readFile } from 'node:fs/promises'
import {
  ArtifactRegistryError,
  type ProvisionChange,
  type ProvisionResult,
} from '@artifact-registry/core'
import { Argument, type Command } from 'commander'
import type { CommandContext } from '../context.js'
import { UsageError } from '../failure.js'
import { formatTable } from '../format.js'
import { portNumber } from '../option-values.js'
import { importOptional } from '../optional-package.js'
import { writePrivateFile } from '../private-file.js'
import type { Terminal } from '../terminal.js'

/** What a provider's `/provision` subpath exports. */
interface ProvisionModule {
  provision(options: Record<string, unknown>): Promise<ProvisionResult>
  deprovision(options: Record<string, unknown>): Promise<ProvisionResult>
}

/** A flag of one platform and the option field it sets. */
interface PlatformFlag {
  readonly flag: string
  readonly field: string
  readonly description: string
  readonly parse?: (value: string) => unknown
}

/**
 * The flags each platform's provisioning takes on the command line; anything else goes in
 * `--options-file`. Each field is an option of that provider's `provision` (its README lists them).
 */
const PLATFORM_FLAGS: Readonly<Record<string, readonly PlatformFlag[]>> = {
  aws: [
    { flag: '--region <region>', field: 'region', description: 'aws: the ECR region' },
    {
      flag: '--repository-prefix <prefix>',
      field: 'repositoryPrefix',
      description: 'aws: prefix of the repositories',
    },
  ],
  gcp: [
    { flag: '--project-id <id>', field: 'projectId', description: 'gcp: the project' },
    {
      flag: '--location <location>',
      field: 'location',
      description: 'gcp: the Artifact Registry location',
    },
    {
      flag: '--repository <name>',
      field: 'repository',
      description: 'gcp: the Artifact Registry repository',
    },
  ],
  azure: [
    {
      flag: '--subscription-id <id>',
      field: 'subscriptionId',
      description: 'azure: the subscription',
    },
    {
      flag: '--resource-group <name>',
      field: 'resourceGroup',
      description: 'azure: the resource group',
    },
    {
      flag: '--registry-name <name>',
      field: 'registryName',
      description: 'azure: the ACR registry',
    },
  ],
  local: [
    {
      flag: '--url <url>',
      field: 'url',
      description: 'local: a running registry (artifact-registry serve)',
    },
    {
      flag: '--data-dir <dir>',
      field: 'dataDir',
      description: 'local: a data directory for an embedded registry',
    },
    {
      flag: '--port <port>',
      field: 'port',
      description: 'local: the embedded registry’s port',
      parse: portNumber,
    },
    {
      flag: '--binding-name <name>',
      field: 'bindingName',
      description: 'local: namespace of the binding',
    },
    {
      flag: '--admin-username <name>',
      field: 'adminUsername',
      description: 'local: admin of the registry at --url',
    },
    {
      flag: '--admin-password-env <variable>',
      field: 'adminPasswordEnv',
      description:
        'local: the variable holding the admin password (default ARTIFACT_REGISTRY_ADMIN_PASSWORD)',
    },
  ],
}

/** The flag's option key as commander names it: `--data-dir <dir>` → `dataDir`. */
function optionKey(flag: string): string {
  const long = flag.split(' ')[0]?.slice(2) ?? ''
  return long.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())
}

/** The flags shared by several platforms are declared once (commander refuses duplicates). */
function uniqueFlags(): PlatformFlag[] {
  const seen = new Map<string, PlatformFlag>()
  for (const flags of Object.values(PLATFORM_FLAGS)) {
    for (const flag of flags) if (!seen.has(flag.flag)) seen.set(flag.flag, flag)
  }
  return [...seen.values()]
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
      .addArgument(new Argument('<platform>', 'the platform').choices(Object.keys(PLATFORM_FLAGS)))
      .option('--options-file <file>', "a JSON file with the platform's provision options")
      .option('--dry-run', 'report the changes and make none', false)
    if (verb === 'deprovision')
      command.option('--force', 'delete even though repositories or images remain', false)
    if (verb === 'provision')
      command.option('--output <file>', 'write the binding JSON to this file (mode 0600)')
    for (const { flag, description, parse } of uniqueFlags()) {
      if (parse === undefined) command.option(flag, description)
      else command.option(flag, description, parse)
    }
    command.action(async (platform: string, flags: ProvisionFlags, cmd: Command) => {
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
      const result = await module[verb](options)
      if (flags.output !== undefined && !options.dryRun) {
        await writePrivateFile(flags.output, `${JSON.stringify(result.binding, null, 2)}\n`)
      }
      report(terminal, { platform, verb, dryRun: options.dryRun, output: flags.output, result })
    })
  }
}

/** The option fields the platform's flags set; a flag of another platform is INVALID_ARGUMENT. */
function platformOptions(platform: string, flags: ProvisionFlags): Record<string, unknown> {
  const own = PLATFORM_FLAGS[platform] ?? []
  const misplaced = uniqueFlags().filter(
    (f) => flags[optionKey(f.flag)] !== undefined && !own.some((o) => o.flag === f.flag),
  )
  if (misplaced.length > 0) {
    throw new UsageError(
      `${misplaced.map((f) => f.flag.split(' ')[0]).join(', ')} ${misplaced.length === 1 ? 'is not a flag' : 'are not flags'} of ${platform} provisioning`,
    )
  }
  return Object.fromEntries(
    own
      .map((f) => [f.field, flags[optionKey(f.flag)]] as const)
      .filter(([, value]) => value !== undefined),
  )
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
