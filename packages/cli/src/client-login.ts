import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { type ArtifactRegistryCredentials, ArtifactRegistryError } from '@artifact-registry/core'
import { UsageError } from './failure.js'

/** The registry clients `login` drives; each has `login --username … --password-stdin`. */
export const LOGIN_CLIENTS = ['docker', 'podman', 'buildah', 'skopeo'] as const
export type LoginClient = (typeof LOGIN_CLIENTS)[number]

// The command's own secret settings: a binding (a `local` one may hold the registry's admin
// password) and the admin password `serve` and `provision local` read by default.
const BINDING_VARIABLE = /^(ARTIFACT_REGISTRY|ALIEN)_.+_BINDING$/
const ADMIN_PASSWORD_VARIABLE = 'ARTIFACT_REGISTRY_ADMIN_PASSWORD'

/**
 * The environment a client logs in with: `env` without the command's own secrets (every binding
 * variable, `ARTIFACT_REGISTRY_ADMIN_PASSWORD`, and `withheld`, such as the variable a binding
 * file's admin password is read from). The client needs only the scoped credential on its stdin;
 * passed on, the admin password reached it and every credential helper or plugin it starts.
 */
export function clientEnvironment(
  env: NodeJS.ProcessEnv,
  withheld: readonly string[] = [],
): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([name]) =>
        !BINDING_VARIABLE.test(name) &&
        name !== ADMIN_PASSWORD_VARIABLE &&
        !withheld.includes(name),
    ),
  )
}

/** What a finished client login printed. */
export interface ClientOutput {
  stdout: string
  stderr: string
}

/** A client login that failed: its exit status and what it said. */
export class ClientLoginError extends Error {
  override readonly name = 'ClientLoginError'
}

/** The failure of a client that is not on PATH. */
export function clientNotInstalled(client: LoginClient): ClientLoginError {
  return new ClientLoginError(`${client} is not installed (not found on PATH)`)
}

/**
 * Refuse `--insecure` for docker, which has no such flag (docker trusts 127.0.0.0/8 over HTTP by
 * itself): a usage error, found before anything is minted.
 */
export function checkInsecureFlag(client: LoginClient, insecure: boolean): void {
  if (insecure && client === 'docker') {
    throw new UsageError(
      '--insecure is for podman, buildah and skopeo: docker reaches 127.0.0.0/8 over HTTP by itself, other hosts through its daemon configuration (insecure-registries)',
    )
  }
}

/**
 * Refuse credentials a client cannot log in with (a bearer token): checked against the provider's
 * `capabilities` before minting, and against the credentials themselves.
 */
export function checkBasicAuth(
  client: LoginClient,
  authMethod: ArtifactRegistryCredentials['authMethod'],
): void {
  if (authMethod !== 'basic') {
    throw new ArtifactRegistryError(
      'NOT_SUPPORTED',
      `${client} login needs a username and password; this platform's credentials are a bearer token (use credentials --format json)`,
    )
  }
}

/**
 * The arguments of `<client> login`: the username as a flag, the password on stdin (never in an
 * argument, where `ps` and shell history would show it), `--tls-verify=false` when asked for a
 * client that has the flag.
 */
export function loginArguments(
  client: LoginClient,
  credentials: ArtifactRegistryCredentials,
  insecure: boolean,
): string[] {
  checkBasicAuth(client, credentials.authMethod)
  checkInsecureFlag(client, insecure)
  return [
    'login',
    '--username',
    credentials.username,
    '--password-stdin',
    ...(insecure ? ['--tls-verify=false'] : []),
    credentials.registry,
  ]
}

/** How long the output of a client that exited may still come (from what it left running). */
const OUTPUT_GRACE_MS = 500

/**
 * Run `<client> login`, writing the password to its stdin. Rejects with a {@link ClientLoginError}
 * holding what the client said when it exits non-zero, or when it is not installed.
 */
export function runClientLogin(
  client: LoginClient,
  credentials: ArtifactRegistryCredentials,
  options: { insecure: boolean; env: NodeJS.ProcessEnv; signal: AbortSignal },
): Promise<ClientOutput> {
  const args = loginArguments(client, credentials, options.insecure)
  return new Promise((resolve, reject) => {
    let child: ChildProcessWithoutNullStreams
    try {
      child = spawn(client, args, {
        env: options.env,
        signal: options.signal,
        stdio: ['pipe', 'pipe', 'pipe'],
      })
    } catch (error) {
      // Some lookups fail at once rather than as an 'error' event (ELOOP on PATH, for one).
      const message = error instanceof Error ? error.message : String(error)
      return reject(
        new ClientLoginError(`${client} login could not run: ${message}`, { cause: error }),
      )
    }
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (options.signal.aborted) {
        // Killed by the abort: stop reading, so output a client's own children hold cannot keep us.
        child.stdout.destroy()
        child.stderr.destroy()
        return reject(options.signal.reason)
      }
      if (error.code === 'ENOENT') {
        return reject(clientNotInstalled(client))
      }
      reject(
        new ClientLoginError(`${client} login could not run: ${error.message}`, { cause: error }),
      )
    })
    let settled = false
    const settle = (code: number | null): void => {
      if (settled) return
      settled = true
      if (code === 0) {
        resolve({ stdout, stderr })
        return
      }
      const said = (stderr.trim() || stdout.trim()).split('\n').slice(-3).join('\n')
      reject(
        new ClientLoginError(
          `${client} login to ${credentials.registry} failed (exit ${code}): ${said}${insecureHint(client, options.insecure, said)}`,
        ),
      )
    }
    // Settled once its output is read to the end ('close'), or soon after the client exits: a
    // process it left behind (a daemon its credential helper started) may hold that output for
    // ever, and a refused login then hung, its unused credential never revoked.
    child.once('close', settle)
    child.once('exit', (code) => {
      const drained = setTimeout(() => {
        child.stdout.destroy()
        child.stderr.destroy()
        settle(code)
      }, OUTPUT_GRACE_MS)
      child.once('close', () => clearTimeout(drained))
    })
    // A client that exits before reading stdin makes the write fail with EPIPE: the exit status says why.
    child.stdin.on('error', () => {})
    child.stdin.end(`${credentials.password}\n`)
  })
}

/**
 * podman, buildah and skopeo speak HTTPS unless told otherwise, and Go's TLS client words its
 * failure against a plain-HTTP registry (`artifact-registry serve` without TLS) so that the fix is
 * not obvious: say it.
 */
function insecureHint(client: LoginClient, insecure: boolean, said: string): string {
  if (insecure || client === 'docker' || !said.includes('HTTP response to HTTPS client')) return ''
  return '\n(the registry speaks plain HTTP: add --insecure to log in without TLS)'
}
