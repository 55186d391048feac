import { execFileSync } from 'node:child_process'
import { missingRequirement, requireTool } from './tools.js'

/**
 * Why docker tests cannot run here (no docker CLI, or no engine answering it), for
 * `describe.skipIf`; `undefined` when they can. In CI (`CI=true`) a missing engine throws, as
 * every {@link missingRequirement} does. Start the engine with tools/setup/docker.sh.
 */
export function dockerMissing(): string | undefined {
  const cli = requireTool('docker')
  if (cli !== undefined) return cli
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], {
      stdio: 'pipe',
      timeout: 20_000,
    })
    return undefined
  } catch {
    return missingRequirement(
      "no Docker engine answers (start one with: bash -c 'source tools/setup/docker.sh; ensure_docker')",
    )
  }
}
