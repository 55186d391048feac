import { containersSandbox } from '../../containers-sandbox.js'
import { sha256 } from '../../digest.js'
import { ToolError } from '../../tools.js'
import type { Credentials } from './scenario.js'

const CREDS_FLAG = /(--(?:src-|dest-)?creds )\S+/g
/** How skopeo reports that the registry or its token realm refused the credentials. */
const REFUSAL = /denied|unauthorized|authentication required|invalid username\/password/i

/** skopeo in a sandbox of its own, over plain HTTP, with credentials on every call. */
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
 * A skopeo whose configuration lives in `dir` (see `containersSandbox`): the machine's config and
 * any stored login must not change what the scenarios see.
 */
export async function sandboxedSkopeo(dir: string): Promise<Skopeo> {
  const sandbox = await containersSandbox(dir)
  const tool = sandbox.tool('skopeo', sandbox.policyArgs)
  const run = (...args: string[]) =>
    tool.run(...args).catch((error: unknown) => {
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
      const flags = ['--preserve-digests', '--dest-tls-verify=false', '--dest-creds', creds(c)]
      await run('copy', ...flags, layout, reference)
    },
    async pull(reference, layout, c) {
      const flags = ['--preserve-digests', '--src-tls-verify=false', '--src-creds', creds(c)]
      await run('copy', ...flags, reference, layout)
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
