import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { missingRequirement, requireTool, runTool, tar } from '@artifact-registry/test-kit'

/**
 * Why docker tests cannot run here (no docker CLI, or no engine answering it), for
 * `describe.skipIf`; `undefined` when they can. Start the engine with tools/setup/docker.sh.
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

/**
 * A one-file image made offline (`docker import` of a tiny tar: nothing is pulled), tagged
 * `reference`. Returns the image id; remove it with {@link removeImages}.
 */
export async function importTinyImage(reference: string): Promise<string> {
  const layer = tar([{ path: 'hello.txt', content: `hello ${randomBytes(8).toString('hex')}\n` }])
  const { stdout } = await runTool('docker', ['import', '-', reference], { input: layer })
  return stdout.trim()
}

/** `docker rmi --force` of the references, ignoring those already gone. */
export async function removeImages(...references: string[]): Promise<void> {
  await runTool('docker', ['rmi', '--force', ...references]).catch(() => undefined)
}
