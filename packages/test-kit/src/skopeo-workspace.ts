import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import { containersSandbox, type SandboxedTool } from './containers-sandbox.js'
import { type LayoutFixture, writeRandomImage } from './oci-layout.js'

/** A private directory where skopeo pushes and pulls one small image with minted credentials. */
export interface SkopeoWorkspace extends AsyncDisposable {
  /** The directory: made by mkdtemp, so 0700 (only this user reads the auth files in it). */
  readonly dir: string
  /** skopeo in a containers sandbox below `dir`, with its signature policy. */
  readonly skopeo: SandboxedTool
  /** A one-layer random image in an OCI layout below `dir`. */
  readonly image: LayoutFixture
  /**
   * `--authfile` arguments for `credentials`: the password goes in a new file readable by its
   * owner only, never on a command line, where others could read it.
   */
  login(credentials: ArtifactRegistryCredentials): Promise<string[]>
}

/** A {@link SkopeoWorkspace} in a new temporary directory named after `prefix`; disposing it removes it. */
export async function skopeoWorkspace(prefix: string): Promise<SkopeoWorkspace> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  const sandbox = await containersSandbox(join(dir, 'containers'))
  const image = await writeRandomImage(join(dir, 'image'), { layers: 1, layerBytes: 512 })
  return {
    dir,
    skopeo: sandbox.tool('skopeo', sandbox.policyArgs),
    image,
    login: async (credentials) => ['--authfile', await writeAuthFile(dir, credentials)],
    [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }),
  }
}

let authFiles = 0

/**
 * Writes a containers auth file (`--authfile`, the format of `docker login`'s config) holding
 * `credentials`: a new file in `dir`, readable by its owner only.
 * @returns the file's path.
 */
export async function writeAuthFile(
  dir: string,
  credentials: ArtifactRegistryCredentials,
): Promise<string> {
  authFiles += 1
  const path = join(dir, `auth-${authFiles}.json`)
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
  await writeFile(path, JSON.stringify({ auths: { [credentials.registry]: { auth } } }), {
    mode: 0o600,
    flag: 'wx',
  })
  return path
}
