import { execFile } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

/**
 * The real clients tests drive: `skopeo` and `buildah` (interop tests, Debian packages of the same
 * names), and `docker` (the opt-in live lanes, whose machine runs a Docker daemon).
 */
export type ToolName = 'skopeo' | 'buildah' | 'docker'

/** Binaries a test file may need: the clients, distribution as the reference, openssl for certs. */
export type BinaryName = ToolName | 'docker-registry' | 'openssl'

/** What a finished tool run printed. */
export interface ToolResult {
  stdout: string
  stderr: string
}

/** Options of {@link runTool}. */
export interface RunToolOptions {
  /** Extra environment variables, merged over `process.env`. */
  env?: Record<string, string>
  /** @default 180000 — image copies on a loaded CI machine can be slow */
  timeoutMs?: number
  /** Written to the tool's stdin before it is closed: how a secret reaches `--password-stdin`. */
  input?: string | Uint8Array
}

/** A tool run that exited non-zero (or timed out); `stderr` is also in the message. */
export class ToolError extends Error {
  override name = 'ToolError'
  readonly exitCode: number | string | null
  readonly stdout: string
  readonly stderr: string

  constructor(message: string, exitCode: number | string | null, stdout: string, stderr: string) {
    super(message)
    this.exitCode = exitCode
    this.stdout = stdout
    this.stderr = stderr
  }
}

/**
 * Runs `name args…` without a shell. Rejects with a {@link ToolError} whose message holds the
 * command line and the captured stderr, so a failing test shows why the client refused.
 */
export function runTool(
  name: ToolName,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      name,
      args,
      {
        env: { ...process.env, ...options.env },
        timeout: options.timeoutMs ?? 180_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr })
        const code = error.killed ? `killed (${error.signal})` : (error.code ?? null)
        const message = `${name} ${args.join(' ')} failed: ${code}\n${stderr.trim() || error.message}`
        reject(new ToolError(message, code, stdout, stderr))
      },
    )
    // Closed either way: a tool that would prompt fails at once instead of at its timeout.
    child.stdin?.end(options.input)
  })
}

/** Runs the tool and expects it to fail; returns the error so the test can inspect stderr. */
export async function runToolExpectingFailure(
  name: ToolName,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<ToolError> {
  try {
    await runTool(name, args, options)
  } catch (error) {
    if (error instanceof ToolError) return error
    throw error
  }
  throw new Error(`${name} ${args.join(' ')} succeeded, expected a failure`)
}

/**
 * Checks that `name` is on PATH. In CI (`CI=true`) a missing tool is an error, because the CI
 * script installs it and a silent skip would hide a broken install. Elsewhere it returns the
 * reason to skip, for `describe.skipIf(reason)`; `undefined` means the tool is there.
 */
export function requireTool(name: BinaryName): string | undefined {
  if (findOnPath(name)) return undefined
  const debianPackage = DEBIAN_PACKAGES[name] ?? name
  return missingRequirement(`${name} is not on PATH (Debian: apt-get install ${debianPackage})`)
}

/** Like {@link requireTool}, for tools that must run as root (buildah with the vfs driver). */
export function requireRoot(why: string): string | undefined {
  if (process.getuid?.() === 0) return undefined
  return missingRequirement(`${why} needs root`)
}

/**
 * The reason a test cannot run here, for `describe.skipIf(reason)`. In CI (`CI=true`) it throws
 * instead: CI provides every requirement, and a skip would hide a broken setup.
 */
export function missingRequirement(reason: string): string {
  if (process.env.CI === 'true') throw new Error(`${reason}; CI must provide it`)
  return reason
}

// --- internal ---

/** Binaries whose Debian package has another name. */
const DEBIAN_PACKAGES: Partial<Record<BinaryName, string>> = { docker: 'docker.io' }

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not in this directory
    }
  }
  return undefined
}
