import type {
  ArtifactRegistry,
  ArtifactRegistryCredentials,
  Permission,
} from '@artifact-registry/core'
import { type Command, Option } from 'commander'
import type { CommandContext } from '../context.js'
import { positiveSeconds } from '../option-values.js'

/** The flags of `credentials` and `login` that say what to mint. */
export interface MintOptions {
  permission: Permission
  ttl?: number
}

/** `--permission pull|push-pull`, default `pull`. */
export function permissionOption(): Option {
  return new Option('--permission <permission>', 'what the credentials allow')
    .choices(['pull', 'push-pull'])
    .default('pull')
}

/** `--ttl SECONDS`: the requested lifetime, clamped to the platform's limits. */
export function ttlOption(): Option {
  return new Option(
    '--ttl <seconds>',
    "requested lifetime in seconds (clamped to the platform's limits; default: the platform's)",
  ).argParser(positiveSeconds)
}

/** Mint credentials for `name` as `options` ask, with the command's binding. */
export function mintCredentials(
  context: CommandContext,
  command: Command,
  name: string,
  options: MintOptions,
): Promise<ArtifactRegistryCredentials> {
  return context.withRegistry(command, (registry) => mintWith(registry, name, options))
}

/** Mint credentials for `name` as `options` ask, with an open registry. */
export function mintWith(
  registry: ArtifactRegistry,
  name: string,
  options: MintOptions,
): Promise<ArtifactRegistryCredentials> {
  return registry.generateCredentials(
    name,
    options.permission,
    options.ttl === undefined ? {} : { ttlSeconds: options.ttl },
  )
}
