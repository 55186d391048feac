import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  type RunToolOptions,
  runTool,
  runToolExpectingFailure,
  type ToolError,
  type ToolName,
  type ToolResult,
} from './tools.js'

/** Flags and environment that confine a containers/image client (skopeo, buildah). */
export interface ContainersSandbox {
  /** The policy file: accept any image, as a test registry signs nothing. */
  policyPath: string
  /** `--policy FILE`, skopeo's global flag for {@link policyPath}. */
  policyArgs: string[]
  /** Empty `registries.conf` and auth file, so no machine config or stored login applies. */
  env: Record<string, string>
  /** `name` with `globalArgs` before every command, run in this sandbox's environment. */
  tool(name: ToolName, globalArgs?: readonly string[]): SandboxedTool
}

/** A client bound to a sandbox: each call is one command line after the global flags. */
export interface SandboxedTool {
  /** Runs the command; rejects with a `ToolError` that holds stderr if it fails. */
  run(...args: string[]): Promise<ToolResult>
  /** Runs the command, which must fail; returns the failure so the test can read stderr. */
  fails(...args: string[]): Promise<ToolError>
}

/**
 * Writes the policy, registries.conf and auth file of a sandbox into `dir` (created if needed):
 * the machine's configuration and any stored login must not change what a test sees.
 *
 * @example
 * ```ts
 * const sandbox = await containersSandbox(join(work, 'containers'))
 * const skopeo = sandbox.tool('skopeo', sandbox.policyArgs)
 * await skopeo.run('copy', '--dest-tls-verify=false', layout.reference, 'docker://127.0.0.1:5000/app:v1')
 * ```
 */
export async function containersSandbox(dir: string): Promise<ContainersSandbox> {
  await mkdir(dir, { recursive: true })
  const policyPath = join(dir, 'policy.json')
  await writeFile(policyPath, '{"default":[{"type":"insecureAcceptAnything"}]}')
  await writeFile(join(dir, 'registries.conf'), '')
  await writeFile(join(dir, 'auth.json'), '{}')
  const env = {
    CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf'),
    REGISTRY_AUTH_FILE: join(dir, 'auth.json'),
  }
  return {
    policyPath,
    policyArgs: ['--policy', policyPath],
    env,
    tool(name, globalArgs = []) {
      const options: RunToolOptions = { env }
      return {
        run: (...args) => runTool(name, [...globalArgs, ...args], options),
        fails: (...args) => runToolExpectingFailure(name, [...globalArgs, ...args], options),
      }
    },
  }
}
