import {
  ArtifactRegistryError,
  isArtifactRegistryError,
  type ProvisionChange,
  type ProvisionResult,
} from '@artifact-registry/core'
import { Argument, type Command } from 'commander'
import { describeChange, markChangesBeforeFailure } from '../changes-before-failure.js'
import { parseConfigJson, readConfigFile } from '../config-file.js'
import type { CommandContext } from '../context.js'
import { UsageError } from '../failure.js'
import { formatTable } from '../format.js'
import { abortable } from '../interrupt.js'
import { importOptional } from '../optional-package.js'
import { writePrivateFile } from '../private-file.js'
import type { Terminal } from '../terminal.js'
import {
  deprovisionedNamespace,
  forgetDeprovisionedCredentials,
} from './deprovisioned-namespace.js'
import {
  flagsOfFields,
  PLATFORMS,
  type Platform,
  platformFlagOptions,
  platformOptions,
} from './provision-flags.js'

/** What a provider's `/provision` subpath exports. */
interface ProvisionModule {
  provision(options: Record<string, unknown>): Promise<ProvisionResult>
  deprovision(options: Record<string, unknown>): Promise<ProvisionResult>
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
    for (const option of platformFlagOptions()) command.addOption(option)
    command.action(async (platform: Platform, flags: ProvisionFlags, cmd: Command) => {
      const terminal = context.terminal(cmd)
      const decided: ProvisionChange[] = []
      const options = {
        ...(await readOptionsFile(flags.optionsFile)),
        ...platformOptions(platform, flags),
        dryRun: flags.dryRun === true,
        ...(verb === 'deprovision' && flags.force === true && { force: true }),
        signal: context.signal,
        onChange: (change: ProvisionChange) => {
          decided.push(change)
          terminal.progress(describeChange(change))
        },
      }
      const pkg = `@artifact-registry/provider-${platform}`
      const module = await importOptional(
        `${pkg}/provision`,
        pkg,
        () => import(/* @vite-ignore */ `${pkg}/provision`) as Promise<ProvisionModule>,
      )
      // Read before the run: it may delete the data directory that says where its registry was.
      const revokedNamespace = await deprovisionedNamespace(
        { platform, verb, dryRun: options.dryRun },
        options,
      )
      // The signal cancels between platform calls; a call under way is abandoned at once.
      const result = await abortable(module[verb](options), context.signal).catch(async (error) => {
        await forgetDeprovisionedCredentials(context.io, revokedNamespace, {
          succeeded: false,
          changes: decided,
        })
        const worded = inFlagTerms(error, platform)
        throw options.dryRun ? worded : markChangesBeforeFailure(worded, decided)
      })
      await forgetDeprovisionedCredentials(context.io, revokedNamespace, {
        succeeded: true,
        changes: decided,
      })
      const run = { platform, verb, dryRun: options.dryRun, output: flags.output, result }
      if (flags.output !== undefined && !options.dryRun) {
        try {
          await writePrivateFile(flags.output, `${JSON.stringify(result.binding, null, 2)}\n`)
        } catch (error) {
          // The platform holds the changes already: the binding must not be lost with the file.
          report(terminal, { ...run, output: undefined })
          throw new Error(
            `${verb} ${platform} made its changes and printed the binding, but could not write it to ${flags.output}: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          )
        }
      }
      report(terminal, run)
    })
  }
}

async function readOptionsFile(file: string | undefined): Promise<Record<string, unknown>> {
  if (file === undefined) return {}
  const text = await readConfigFile(file, 'options file')
  const json = parseConfigJson(text, 'options file', file)
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ArtifactRegistryError(
      'INVALID_CONFIG',
      `The options file ${file} must hold a JSON object`,
      {
        issues: [{ path: file, message: 'must hold a JSON object' }],
      },
    )
  }
  refuseRunOptions(file, json as Record<string, unknown>)
  return json as Record<string, unknown>
}

/**
 * What to use instead of each run option: the command sets them from its flags, after the file's
 * fields, so a file's `"dryRun": true` would be silently overridden into a real run.
 */
const RUN_OPTIONS: Readonly<Record<string, string>> = {
  dryRun: 'use the --dry-run flag instead',
  force: 'use the --force flag of deprovision instead',
  signal: 'the command passes its own (Ctrl-C cancels)',
  onChange: 'the command reports each change itself',
}

function refuseRunOptions(file: string, options: Record<string, unknown>): void {
  const given = Object.keys(RUN_OPTIONS).filter((field) => Object.hasOwn(options, field))
  if (given.length === 0) return
  const reasons = given.map((field) => `${field}: ${RUN_OPTIONS[field]}`).join('; ')
  throw new UsageError(`The options file ${file} must not set run options (${reasons})`)
}

/**
 * A provider's refusal names its options (`deprovision with force: true`, `trustedPrincipals:
 * must list…`); the command's user has flags. `force: true` becomes `--force`, and an invalid
 * options error ends with the flags that set the options it names. The error is otherwise the
 * provider's own.
 */
function inFlagTerms(error: unknown, platform: Platform): unknown {
  if (!isArtifactRegistryError(error)) return error
  if (error.message.includes('force: true'))
    error.message = error.message.replaceAll('force: true', '--force')
  const flags = flagsOfFields(
    platform,
    (error.issues ?? []).map((issue) => issue.path),
  )
  if (error.code === 'INVALID_CONFIG' && flags.length > 0)
    error.message = `${error.message}\nflags that set these options: ${flags.join(', ')}`
  return error
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
  // Fields a provider returns besides these (AWS `runtimePolicy`) are part of the result too.
  const { binding, changes, ...extra } = result
  terminal.result({ platform, dryRun, binding, changes, ...extra }, () => {
    const changeText =
      changes.length === 0
        ? 'no changes'
        : formatTable(
            ['ACTION', 'KIND', 'ID', 'DETAIL'],
            changes.map((c) => [c.action, c.kind, c.id, c.detail ?? '']),
          )
    const heading = `${verb} ${platform}${dryRun ? ' (dry run: nothing changed)' : ''}`
    const bindingText =
      verb !== 'provision'
        ? ''
        : output !== undefined && !dryRun
          ? `\nbinding written to ${output}`
          : `\n${jsonBlock('binding', binding)}`
    const extraText = Object.entries(extra).map(([field, value]) => `\n${jsonBlock(field, value)}`)
    return `${heading}\n${changeText}${bindingText}${extraText.join('')}`
  })
}

/** A result field for human output: its name as a heading, then its value as indented JSON. */
function jsonBlock(field: string, value: unknown): string {
  return `${field}:\n${JSON.stringify(value, null, 2)}`
}
