import { DataPlaneClient } from '../data-plane.js'
import { platformError } from '../map-error.js'
import type { ProvisionContext } from './context.js'

/**
 * Wait until the registry's login server answers `GET /v2/`: `200`, or `401` with a `Bearer`
 * challenge (what ACR answers a client without a token), counts as answering. A new registry's
 * DNS name and certificate can lag its `Succeeded`; anything else (no connection, a 5xx) is
 * asked again every `pollIntervalMs`, until `loginServerTimeoutMs`.
 *
 * @throws ArtifactRegistryError `UNAVAILABLE` naming the login server and its last answer.
 */
export async function waitForLoginServer(
  ctx: ProvisionContext,
  loginServer: string,
): Promise<void> {
  const { runtime, loginServerTimeoutMs } = ctx.resolved
  const http = new DataPlaneClient(loginServer, runtime.trustedCa, runtime.requestTimeoutMs)
  const deadline = runtime.clock.now() + loginServerTimeoutMs
  try {
    for (;;) {
      ctx.recorder.checkpoint()
      const last = await ask(http)
      if (last === undefined) return
      if (runtime.clock.now() >= deadline) {
        throw platformError(
          'UNAVAILABLE',
          `The login server ${loginServer} did not answer within ${loginServerTimeoutMs} ms (last: ${last})`,
        )
      }
      await ctx.pause()
    }
  } finally {
    http.close()
  }
}

// --- Internal ---

/** `undefined` when the login server answers as a registry does, else what it did instead. */
async function ask(http: DataPlaneClient): Promise<string | undefined> {
  try {
    const answer = await http.send('GET', '/v2/', {})
    const challenge = answer.headers['www-authenticate'] ?? ''
    if (answer.status === 200 || (answer.status === 401 && /^Bearer\s/i.test(challenge))) {
      return undefined
    }
    return `HTTP ${answer.status}`
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown }
    return String(e.code ?? e.message ?? err)
  }
}
