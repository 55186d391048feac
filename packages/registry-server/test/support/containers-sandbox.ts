import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** Flags and environment that confine a containers/image client (skopeo, buildah). */
export interface ContainersSandbox {
  /** `--policy FILE`: accept any image, as a test registry signs nothing. */
  policyArgs: string[]
  /** Empty `registries.conf` and auth file, so no machine config or stored login applies. */
  env: Record<string, string>
}

/**
 * Writes the policy, registries.conf and auth file of a sandbox into `dir` (created if needed):
 * the machine's configuration and any stored login must not change what a test sees.
 */
export async function containersSandbox(dir: string): Promise<ContainersSandbox> {
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'policy.json'), '{"default":[{"type":"insecureAcceptAnything"}]}')
  await writeFile(join(dir, 'registries.conf'), '')
  await writeFile(join(dir, 'auth.json'), '{}')
  return {
    policyArgs: ['--policy', join(dir, 'policy.json')],
    env: {
      CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf'),
      REGISTRY_AUTH_FILE: join(dir, 'auth.json'),
    },
  }
}
