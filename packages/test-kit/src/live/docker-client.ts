import { chmod, mkdir, writeFile } from 'node:fs/promises'
import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import { randomToken } from '../digest.js'
import { tar } from '../tar.js'
import { runTool, ToolError, type ToolResult } from '../tools.js'

/** What a registry says when it refuses credentials: 401, 403, or the words clients print for them. */
const REFUSAL = /\b(401|403|unauthori[sz]ed|denied|forbidden)\b/i

/**
 * The docker CLI with a configuration of its own: one login, kept in its own directory, so the
 * user's stored logins are neither used nor changed. Every client talks to the same daemon.
 */
export interface DockerClient {
  /** Its `DOCKER_CONFIG` directory (mode 0700). */
  readonly configDir: string
  /** `docker login --username … --password-stdin registry`: the password goes through stdin only. */
  login(credentials: ArtifactRegistryCredentials): Promise<ToolResult>
  /** A one-file image made from a random tarball (`docker import`): no base image to pull. */
  importImage(reference: string): Promise<void>
  push(reference: string): Promise<ToolResult>
  pull(reference: string): Promise<ToolResult>
  /** Removes the image from the daemon, if it is there, so the next pull reaches the registry. */
  removeImage(reference: string): Promise<void>
  /**
   * Runs `docker …args`, which the registry must refuse. Rejects when the command succeeds or fails
   * for another reason (a typo, no network), so only a real refusal passes.
   */
  refused(...args: string[]): Promise<ToolError>
}

/**
 * A docker client whose configuration lives in `dir` (created with mode 0700; the caller removes
 * it, which also removes the login it holds).
 *
 * @example
 * ```ts
 * const pusher = await dockerClient(join(work, 'pusher'))
 * await pusher.login(pushPull)
 * await pusher.importImage(`${repository.uri}:v1`)
 * await pusher.push(`${repository.uri}:v1`)
 * ```
 */
export async function dockerClient(dir: string): Promise<DockerClient> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await chmod(dir, 0o700)
  // No credsStore: a login stays in this directory instead of the desktop keychain.
  await writeFile(`${dir}/config.json`, '{}', { mode: 0o600 })
  const docker = (args: string[], input?: string | Uint8Array): Promise<ToolResult> =>
    runTool('docker', args, { env: { DOCKER_CONFIG: dir }, input })
  return {
    configDir: dir,
    async login(credentials) {
      if (credentials.username === '') {
        throw new TypeError(`docker login needs a username; ${credentials.authMethod} has none`)
      }
      const { username, password, registry } = credentials
      return docker(['login', '--username', username, '--password-stdin', registry], password)
    },
    async importImage(reference) {
      const rootfs = tar([{ path: 'live-lane/nonce', content: randomToken() }])
      await docker(['import', '-', reference], rootfs)
    },
    push: (reference) => docker(['push', reference]),
    pull: (reference) => docker(['pull', reference]),
    async removeImage(reference) {
      await docker(['image', 'rm', '--force', reference]).catch((error: unknown) => {
        if (!(error instanceof ToolError && /no such image/i.test(error.stderr))) throw error
      })
    },
    async refused(...args) {
      const error = await docker(args).then(
        () => undefined,
        (e: unknown) => e,
      )
      if (error === undefined)
        throw new Error(`docker ${args.join(' ')} succeeded, expected a refusal`)
      if (error instanceof ToolError && REFUSAL.test(error.stderr)) return error
      throw error
    },
  }
}
