import { mkdtemp, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sha256 } from '../../packages/registry-server/test/support/oci-layout.js'
import { runTool, ToolError } from '../../packages/registry-server/test/support/tools.js'
import type { Credentials } from './targets.js'

const CREDS_FLAG = /(--(?:src-|dest-)?creds )\S+/g
/** How skopeo reports that the registry or its token realm refused the credentials. */
const REFUSAL = /denied|unauthorized|authentication required|invalid username\/password/i

/** skopeo with its own policy, registries.conf and auth file, over plain HTTP. */
export interface Skopeo {
  /** `skopeo copy --preserve-digests` from an OCI layout (`oci:DIR:TAG`) to `docker://…`. */
  push(layout: string, reference: string, creds: Credentials): Promise<void>
  /** `skopeo copy --preserve-digests` from `docker://…` to an OCI layout. */
  pull(reference: string, layout: string, creds: Credentials): Promise<void>
  /** The digest of the manifest bytes `skopeo inspect --raw` reads. */
  manifestDigest(reference: string, creds: Credentials): Promise<string>
  /** The manifest as `skopeo inspect --raw` reads it, parsed. */
  manifest(reference: string, creds: Credentials): Promise<Record<string, unknown>>
  /** `skopeo list-tags`. */
  tags(reference: string, creds: Credentials): Promise<string[]>
  /** Runs `work`, which must fail because the registry refuses it; returns the failure. */
  refused(work: (skopeo: Skopeo) => Promise<unknown>): Promise<ToolError>
}

/**
 * A skopeo whose configuration lives in a fresh directory under `work`: the machine's config
 * and any stored login must not change what the scenarios see.
 */
export async function hermeticSkopeo(work: string): Promise<Skopeo> {
  const dir = await mkdtemp(join(work, 'skopeo-'))
  await writeFile(join(dir, 'policy.json'), '{"default":[{"type":"insecureAcceptAnything"}]}')
  await writeFile(join(dir, 'registries.conf'), '')
  await writeFile(join(dir, 'auth.json'), '{}')
  const options = {
    env: {
      CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf'),
      REGISTRY_AUTH_FILE: join(dir, 'auth.json'),
    },
  }
  const global = ['--policy', join(dir, 'policy.json')]
  const run = (...args: string[]) =>
    runTool('skopeo', [...global, ...args], options).catch((error: unknown) => {
      // The command line is in the message; the credentials on it must not reach test output.
      if (error instanceof Error) error.message = error.message.replace(CREDS_FLAG, '$1***')
      throw error
    })
  const creds = ({ username, password }: Credentials) => `${username}:${password}`
  // With TLS verification off, containers/image falls back from https to plain http.
  const raw = async (reference: string, c: Credentials) =>
    (await run('inspect', '--raw', '--tls-verify=false', '--creds', creds(c), reference)).stdout
  const skopeo: Skopeo = {
    async push(layout, reference, c) {
      await run(
        'copy',
        '--preserve-digests',
        '--dest-tls-verify=false',
        '--dest-creds',
        creds(c),
        layout,
        reference,
      )
    },
    async pull(reference, layout, c) {
      await run(
        'copy',
        '--preserve-digests',
        '--src-tls-verify=false',
        '--src-creds',
        creds(c),
        reference,
        layout,
      )
    },
    manifestDigest: async (reference, c) => sha256(await raw(reference, c)),
    manifest: async (reference, c) => JSON.parse(await raw(reference, c)),
    async tags(reference, c) {
      const { stdout } = await run(
        'list-tags',
        '--tls-verify=false',
        '--creds',
        creds(c),
        reference,
      )
      return (JSON.parse(stdout) as { Tags: string[] | null }).Tags ?? []
    },
    async refused(work) {
      try {
        await work(skopeo)
      } catch (error) {
        // Any other failure (a typo, a crash, a timeout) is not the refusal under test.
        if (error instanceof ToolError && REFUSAL.test(error.stderr)) return error
        throw error
      }
      throw new Error('skopeo succeeded, expected a refusal')
    },
  }
  return skopeo
}
