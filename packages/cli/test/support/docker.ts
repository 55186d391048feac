import { randomBytes } from 'node:crypto'
import { runTool, tar } from '@artifact-registry/test-kit'

// In the test kit: the providers' docker tests check for the engine the same way.
export { dockerMissing } from '@artifact-registry/test-kit'

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
