import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ArtifactRegistryCredentials } from '@artifact-registry/core'

let written = 0

/**
 * Write a containers auth file (`--authfile`, the format of `docker login`'s config) holding one
 * credential, readable by its owner only, so the password never appears on a command line.
 * @returns the file's path, in `dir`.
 */
export async function writeAuthFile(
  dir: string,
  credentials: ArtifactRegistryCredentials,
): Promise<string> {
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
  const path = join(dir, `auth-${++written}.json`)
  await writeFile(path, JSON.stringify({ auths: { [credentials.registry]: { auth } } }), {
    mode: 0o600,
  })
  return path
}
